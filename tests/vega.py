"""Reading Altair charts as data in tests."""

from __future__ import annotations

from typing import Any

import altair as alt


def spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The chart as Vega-Lite, checked to be a complete spec that keeps the actions menu."""
    result = chart.to_dict()
    assert result["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert "actions" not in str(result.get("usermeta", {}))
    return result


def values(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the chart's inline data set."""
    return list(result["datasets"][result["data"]["name"]])
