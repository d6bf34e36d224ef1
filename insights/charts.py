"""What the chart builders share: local times, translated labels, row limits and empty frames.

Times given to a chart are either UTC instants (shown in the viewer's time zone) or naive wall-clock
times in the time zone the user chose: Vega-Lite reads a naive ISO time as local, and Streamlit's
Arrow path shifts naive times the same way, so a local midnight stays a midnight on the axis.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from i18n import MESSAGES, number_symbols, t
from scraper.store.models import POST_TYPES

# The post types in the order charts show them.
TYPES = POST_TYPES
# Altair refuses to inline more rows than this, and a browser draws a few thousand marks comfortably.
MAX_ROWS = 5000
PERCENT = ".2%"
# Numeric date formats: Vega names days and months in English whatever the UI language.
DAY_FORMAT = "%Y-%m-%d"
MONTH_FORMAT = "%Y-%m"
TIME_FORMAT = "%Y-%m-%d %H:%M"
MAX_TICKS = 16
AnyChart = alt.Chart | alt.LayerChart | alt.HConcatChart | alt.VConcatChart | alt.FacetChart | alt.ConcatChart


def empty(columns: Sequence[str], dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """An empty frame with these columns (and dtypes where given)."""
    return pd.DataFrame({name: pd.Series([], dtype=(dtypes or {}).get(name, "object")) for name in columns})


def floats(values: pd.Series) -> pd.Series:
    """Counts (nullable) as floats, NaN where missing."""
    return pd.Series(values.astype("Float64").to_numpy(dtype=float, na_value=np.nan), index=values.index)


def local_times(times: pd.Series, tz: str) -> pd.Series:
    """UTC instants as naive wall-clock times in ``tz``."""
    return times.dt.tz_convert(tz).dt.tz_localize(None)


def several_accounts(frame: pd.DataFrame) -> bool:
    """Whether the frame holds more than one account."""
    return "username" in frame and frame["username"].nunique() > 1


def weekday_names(lang: str) -> list[str]:
    """Monday to Sunday, short, in ``lang``."""
    return [t(f"chart.weekday.{day}", lang) for day in range(7)]


def type_name(kind: str, lang: str) -> str:
    """The translated name of a post type (image, video, carousel)."""
    return t(f"chart.type.{kind}", lang) if kind in TYPES else kind


def type_names(kinds: pd.Series, lang: str) -> pd.Series:
    """Post types as translated names."""
    return kinds.map(lambda kind: type_name(str(kind), lang))


def date_axis(period: str = "day", starts: pd.Series | None = None) -> alt.Axis:
    """A time axis labelled with numeric dates (months only for monthly data); with a few period
    ``starts`` given (naive local times), a tick at each of them."""
    axis_format = MONTH_FORMAT if period == "month" else DAY_FORMAT
    if starts is None or not 0 < starts.nunique() <= MAX_TICKS:
        return alt.Axis(format=axis_format, labelOverlap=True)
    # DateTime objects are read in local time, as the naive data is.
    ticks = [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in sorted(set(starts))]
    return alt.Axis(format=axis_format, labelOverlap=True, values=ticks)


def type_color(lang: str, field: str = "type_name") -> alt.Color:
    """Colour by translated post type, the types always in the same order so each keeps its colour."""
    names = [type_name(kind, lang) for kind in TYPES]
    return alt.Color(f"{field}:N", title=t("chart.type", lang), sort=names, scale=alt.Scale(domain=names))


def thin(frame: pd.DataFrame, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """At most ``max_rows`` rows, evenly spaced through the frame (first and last kept)."""
    if len(frame) <= max_rows:
        return frame
    step = (len(frame) - 1) / (max_rows - 1)
    positions = sorted({round(i * step) for i in range(max_rows)})
    return frame.iloc[positions]


def period_label(starts: pd.Series, period: str) -> pd.Series:
    """Readable labels for period starts: 2024-03-04 for days and weeks, 2024-03 for months."""
    return starts.dt.strftime(MONTH_FORMAT if period == "month" else DAY_FORMAT)


def localized(spec: AnyChart, lang: str) -> AnyChart:
    """A copy of ``spec`` whose d3 number formats (axes, tooltips) write numbers as ``lang`` does."""
    copy = spec.copy(deep=True)
    config = copy.config if isinstance(copy.config, alt.Config) else alt.Config()
    decimal, thousands = number_symbols(lang)
    number = alt.NumberLocale(decimal=decimal, thousands=thousands, grouping=[3], currency=["", ""])
    config.locale = alt.Locale(number=number)
    copy.config = config
    return copy


def title(key: str, lang: str, subtitle: str | None = None, **params: object) -> alt.TitleParams:
    """A chart title from the catalog, with an optional subtitle (already translated)."""
    text = t(key, lang, **params)
    if subtitle:
        return alt.TitleParams(text=text, subtitle=subtitle, anchor="start")
    return alt.TitleParams(text=text, anchor="start")


def column_labels(columns: Sequence[str], lang: str) -> dict[str, str]:
    """Translated headers for the frame columns that have one in the catalog (``chart.col.*``)."""
    return {name: t(f"chart.col.{name}", lang) for name in columns if f"chart.col.{name}" in MESSAGES}
