"""The compare page: several accounts on shared axes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from i18n import t
from insights import compare
from insights.charts import column_labels
from insights.engagement import follower_growth_chart
from insights.frequency import PERIODS
from ui import data
from ui.common import chart, choice, csv_download, pick_accounts
from ui.report import report_panel
from ui.state import group_in_url, language, timezone


def page() -> None:
    lang = language()
    usernames = pick_accounts()
    if len(usernames) < 2:
        st.info(t("ui.compare.pick_two", lang))
        if not usernames:
            return
    # A group's downloads are named for it (they hold its members' rows): "ermua-clubs-compare-types.csv".
    group = group_in_url()
    prefix = f"{group}-compare" if group else "compare"
    times, rates, mix = data.compared(usernames)
    tz = timezone()
    st.subheader(t("ui.compare.frequency", lang))
    period = choice(t("ui.frequency.period", lang), PERIODS, "month", "ui.frequency.", key="compare_period")
    per_period = compare.compare_frequency(times, period, tz)
    chart(compare.compare_frequency_chart(per_period, period, lang))
    csv_download(per_period, f"{prefix}-frequency", "cmp-frequency-csv")

    st.subheader(t("ui.compare.engagement", lang))
    chart(compare.compare_engagement_chart(rates, lang))
    labels: dict[str, Any] = dict(column_labels(rates.columns, lang))
    labels["engagement_rate"] = st.column_config.NumberColumn(labels.get("engagement_rate"), format="percent")
    st.dataframe(rates, hide_index=True, width="stretch", column_config=labels)
    csv_download(rates, f"{prefix}-engagement", "cmp-engagement-csv")

    st.subheader(t("ui.compare.types", lang))
    chart(compare.type_mix_chart(mix, lang))
    csv_download(mix, f"{prefix}-types", "cmp-types-csv")

    st.subheader(t("ui.compare.followers", lang))
    snapshots = data.snapshots(usernames)
    chart(follower_growth_chart(snapshots, lang))
    csv_download(snapshots, f"{prefix}-followers", "cmp-followers-csv")
    if group in data.groups():  # a report covers a group, not a list picked by hand
        report_panel(None, group)
