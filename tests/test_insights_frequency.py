"""Posting frequency on hand-made frames: exact counts per period, weekday and hour, calendar cells,
pauses and streaks, in the time zone asked; and the charts as Vega-Lite specs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from insights.charts import MAX_ROWS
from insights.data import posts_from_rows
from insights.frequency import (
    calendar,
    calendar_chart,
    gaps_and_streaks,
    posts_per_period,
    posts_per_period_chart,
    weekday_hour,
    weekday_hour_chart,
)
from tests.vega import spec, values

MADRID = "Europe/Madrid"


def posts(*times: str, username: str = "a") -> pd.DataFrame:
    return posts_from_rows([{"taken_at": when, "username": username} for when in times])


def rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_three_posts_on_known_days_give_exact_weekly_counts() -> None:
    frame = posts("2024-03-04T09:00:00Z", "2024-03-06T18:00:00Z", "2024-03-18T12:00:00Z")
    result = posts_per_period(frame, "week", "UTC")
    assert list(result.columns) == ["username", "period_start", "posts"]
    assert rows(result) == [
        ("a", pd.Timestamp("2024-03-04"), 2),
        ("a", pd.Timestamp("2024-03-11"), 0),
        ("a", pd.Timestamp("2024-03-18"), 1),
    ]


@pytest.mark.parametrize(
    ("when", "period", "tz", "start"),
    [
        ("2024-03-04T23:30:00Z", "day", "UTC", "2024-03-04"),
        ("2024-03-04T23:30:00Z", "day", MADRID, "2024-03-05"),  # 00:30 the next day in Madrid
        ("2024-07-01T22:30:00Z", "day", MADRID, "2024-07-02"),  # summer time: two hours ahead
        ("2024-03-10T23:30:00Z", "week", "UTC", "2024-03-04"),  # a Sunday night in UTC
        ("2024-03-10T23:30:00Z", "week", MADRID, "2024-03-11"),  # already Monday in Madrid
        ("2024-02-01T03:00:00Z", "month", "UTC", "2024-02-01"),
        ("2024-02-01T03:00:00Z", "month", "America/New_York", "2024-01-01"),
        ("2023-12-31T23:30:00Z", "month", MADRID, "2024-01-01"),
    ],
)
def test_periods_are_counted_in_the_chosen_zone(when: str, period: str, tz: str, start: str) -> None:
    assert rows(posts_per_period(posts(when), period, tz)) == [("a", pd.Timestamp(start), 1)]


def test_months_between_posts_are_zero_filled_per_account() -> None:
    frame = pd.concat(
        [
            posts("2024-01-15T12:00:00Z", "2024-01-20T12:00:00Z", "2024-04-01T12:00:00Z"),
            posts("2024-02-10T12:00:00Z", username="b"),
        ]
    )
    result = posts_per_period(frame, "month", "UTC")
    assert rows(result) == [
        ("a", pd.Timestamp("2024-01-01"), 2),
        ("a", pd.Timestamp("2024-02-01"), 0),
        ("a", pd.Timestamp("2024-03-01"), 0),
        ("a", pd.Timestamp("2024-04-01"), 1),
        ("b", pd.Timestamp("2024-02-01"), 1),
    ]
    assert result["posts"].dtype == "int64"


def test_days_are_zero_filled_across_a_change_of_clock() -> None:
    result = posts_per_period(posts("2024-03-30T12:00:00Z", "2024-04-01T12:00:00Z"), "day", MADRID)
    assert list(result["posts"]) == [1, 0, 1]  # 30, 31 (the clocks change) and 1 April
    assert list(result["period_start"].dt.day) == [30, 31, 1]


def test_posts_per_period_of_nothing_and_of_an_unknown_period() -> None:
    result = posts_per_period(posts_from_rows([]), "week", MADRID)
    assert result.empty and list(result.columns) == ["username", "period_start", "posts"]
    with pytest.raises(ValueError, match="period"):
        posts_per_period(posts("2024-01-01T00:00:00Z"), "year", "UTC")


def test_weekday_hour_fills_the_whole_grid_in_the_chosen_zone() -> None:
    frame = posts("2024-03-10T23:30:00Z", "2024-03-10T23:50:00Z", "2024-07-01T22:30:00Z")
    utc = weekday_hour(frame, "UTC").set_index(["weekday", "hour"])["posts"]
    madrid = weekday_hour(frame, MADRID).set_index(["weekday", "hour"])["posts"]
    assert len(utc) == len(madrid) == 7 * 24 and utc.sum() == madrid.sum() == 3
    assert utc[(6, 23)] == 2 and utc[(0, 22)] == 1  # Sunday 23h; Monday 22h
    assert madrid[(0, 0)] == 2 and madrid[(1, 0)] == 1  # Monday 0h in winter; Tuesday 0h in summer
    empty = weekday_hour(posts_from_rows([]), MADRID)
    assert len(empty) == 168 and empty["posts"].sum() == 0
    assert list(empty.columns) == ["weekday", "hour", "posts"]


def test_calendar_cells_place_each_day_in_its_year_grid() -> None:
    frame = posts("2022-12-31T12:00:00Z", "2023-01-02T08:00:00Z", "2023-01-02T09:00:00Z")
    result = calendar(frame, "UTC")
    assert list(result.columns) == ["date", "posts", "week", "weekday", "year"]
    # 2022 began on a Saturday, so its 31 December sits in column 52; 1 January 2023 is a Sunday (column
    # 0) and Monday the 2nd starts column 1.
    assert rows(result) == [
        (pd.Timestamp("2022-12-31"), 1, 52, 5, 2022),
        (pd.Timestamp("2023-01-01"), 0, 0, 6, 2023),
        (pd.Timestamp("2023-01-02"), 2, 1, 0, 2023),
    ]
    assert rows(calendar(posts("2024-03-04T23:30:00Z"), MADRID)) == [
        (pd.Timestamp("2024-03-05"), 1, 9, 1, 2024)
    ]
    assert calendar(posts_from_rows([]), MADRID).empty


BASE = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def days_after(*offsets: float) -> pd.DataFrame:
    return posts(*[(BASE + timedelta(days=d)).isoformat() for d in offsets])


def test_gaps_and_streaks_between_posts() -> None:
    result = gaps_and_streaks(days_after(0, 1, 2, 10, 11), "UTC", BASE + timedelta(days=15))
    assert result == {
        "median_days_between_posts": 1.0,  # gaps of 1, 1, 8 and 1 days
        "longest_pause_days": 8.0,
        "longest_pause_start": BASE + timedelta(days=2),
        "longest_pause_end": BASE + timedelta(days=10),
        "posts_last_30_days": 5,
        "longest_daily_streak": 3,
        "days_since_last_post": 4.0,
    }


def test_the_pause_since_the_last_post_counts_up_to_now() -> None:
    now = BASE + timedelta(days=20)
    result = gaps_and_streaks(days_after(0, 1.5), MADRID, now)
    assert result["longest_pause_days"] == 18.5
    assert result["longest_pause_start"] == BASE + timedelta(days=1.5)
    assert result["longest_pause_end"] == now
    assert result["longest_pause_end"].tzinfo == ZoneInfo(MADRID)
    assert result["median_days_between_posts"] == 1.5
    assert result["longest_daily_streak"] == 1  # 1 May, then 3 May 00:00 in Madrid


def test_posts_in_the_last_30_days_exclude_the_30th_day_back_and_the_future() -> None:
    now = BASE + timedelta(days=40)
    result = gaps_and_streaks(days_after(10, 10.001, 40, 41), "UTC", now)
    assert result["posts_last_30_days"] == 2  # 10.001 and 40 (now itself); 10 is exactly 30 days back
    assert result["days_since_last_post"] == 0.0


@pytest.mark.parametrize(
    ("times", "tz", "streak"),
    [
        (["2024-05-01T22:30:00Z", "2024-05-02T21:00:00Z"], "UTC", 2),
        (["2024-05-01T22:30:00Z", "2024-05-02T21:00:00Z"], MADRID, 1),  # both on 2 May in Madrid
        (["2024-05-01T21:30:00Z", "2024-05-02T22:30:00Z"], "UTC", 2),
        (["2024-05-01T21:30:00Z", "2024-05-02T22:30:00Z"], MADRID, 1),  # 1 May 23:30 and 3 May 00:30
        (
            ["2024-05-01T10:00:00Z", "2024-05-01T11:00:00Z", "2024-05-03T10:00:00Z", "2024-05-04T10:00:00Z"],
            "UTC",
            2,
        ),
        (["2024-02-28T10:00:00Z", "2024-02-29T10:00:00Z", "2024-03-01T10:00:00Z"], "UTC", 3),
    ],
)
def test_longest_daily_streak_counts_calendar_days_in_the_zone(
    times: list[str], tz: str, streak: int
) -> None:
    now = datetime(2024, 6, 1, tzinfo=UTC)
    assert gaps_and_streaks(posts(*times), tz, now)["longest_daily_streak"] == streak


def test_gaps_and_streaks_without_posts_or_with_one() -> None:
    now = BASE + timedelta(days=3)
    assert gaps_and_streaks(posts_from_rows([]), MADRID, now) == {
        "median_days_between_posts": None,
        "longest_pause_days": None,
        "longest_pause_start": None,
        "longest_pause_end": None,
        "posts_last_30_days": 0,
        "longest_daily_streak": 0,
        "days_since_last_post": None,
    }
    one = gaps_and_streaks(days_after(0), "UTC", now)
    assert one["median_days_between_posts"] is None
    assert (one["longest_pause_days"], one["longest_daily_streak"], one["posts_last_30_days"]) == (3.0, 1, 1)
    at_now = gaps_and_streaks(days_after(0), "UTC", BASE)
    assert at_now["longest_pause_days"] is None and at_now["days_since_last_post"] == 0.0


# Charts -----------------------------------------------------------------------------------------


def test_posts_per_period_chart_for_one_account_draws_bars_spanning_each_period() -> None:
    frame = posts_per_period(posts("2024-03-04T09:00:00Z", "2024-03-18T12:00:00Z"), "week", MADRID)
    result = spec(posts_per_period_chart(frame, "week", "es"))
    assert result["mark"]["type"] == "bar"
    enc = result["encoding"]
    assert (enc["x"]["field"], enc["x"]["type"], enc["x2"]["field"]) == (
        "period_start",
        "temporal",
        "period_end",
    )
    assert (enc["y"]["field"], enc["y"]["type"], enc["y2"]) == ("posts", "quantitative", {"datum": 0})
    assert enc["x"]["axis"]["format"] == "%Y-%m-%d"  # numbers: Vega would name days in English
    assert enc["x"]["axis"]["values"] == [
        {"year": 2024, "month": m, "date": d} for m, d in [(3, 4), (3, 11), (3, 18)]
    ]
    assert result["title"]["text"] == "Publicaciones por semana"
    assert enc["y"]["title"] == "Publicaciones" and enc["x"]["title"] == "Semana"
    first = values(result)[0]
    # Naive local midnights: Vega-Lite and Streamlit both read them as local time, so the bar starts on Monday.
    assert (first["period_start"], first["period_end"], first["period"]) == (
        "2024-03-04T00:00:00",
        "2024-03-11T00:00:00",
        "2024-03-04",
    )
    assert [v["posts"] for v in values(result)] == [1, 0, 1]


def test_posts_per_period_chart_for_several_accounts_draws_a_line_each() -> None:
    frame = pd.concat(
        [posts("2024-01-15T12:00:00Z", "2024-03-01T12:00:00Z"), posts("2024-02-10T12:00:00Z", username="b")]
    )
    result = spec(posts_per_period_chart(posts_per_period(frame, "month", "UTC"), "month", "en"))
    assert result["mark"]["type"] == "line"
    assert result["encoding"]["color"]["field"] == "username"
    assert result["title"]["text"] == "Posts per month"
    assert {v["period"] for v in values(result)} == {"2024-01", "2024-02", "2024-03"}


def test_a_long_daily_series_keeps_the_latest_periods_and_says_so() -> None:
    frame = pd.DataFrame(
        {
            "username": "a",
            "period_start": pd.date_range("2000-01-01", periods=MAX_ROWS + 500, freq="D"),
            "posts": 1,
        }
    )
    result = spec(posts_per_period_chart(frame, "day", "en"))
    shown = values(result)
    assert len(shown) == MAX_ROWS and shown[-1]["period_start"] == frame["period_start"].iloc[-1].isoformat()
    assert f"{MAX_ROWS:,}" in result["title"]["subtitle"]  # as English writes numbers


def test_weekday_hour_chart_is_a_heatmap_with_weekdays_in_the_language() -> None:
    result = spec(weekday_hour_chart(weekday_hour(posts("2024-03-10T23:30:00Z"), MADRID), "es"))
    enc = result["encoding"]
    assert result["mark"]["type"] == "rect"
    assert (enc["x"]["field"], enc["x"]["type"]) == ("hour", "ordinal")
    assert (enc["y"]["field"], enc["y"]["type"]) == ("day", "ordinal")
    assert enc["y"]["sort"] == ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
    assert (enc["color"]["field"], enc["color"]["type"]) == ("posts", "quantitative")
    assert {"day": "lun", "hour": 0, "posts": 1} in values(result)
    assert len(values(result)) == 168


def test_calendar_chart_has_a_row_per_year_and_a_column_per_week() -> None:
    frame = calendar(posts("2022-12-31T12:00:00Z", "2023-01-02T08:00:00Z"), "UTC")
    result = spec(calendar_chart(frame, "en"))
    enc = result["encoding"]
    assert result["mark"]["type"] == "rect"
    assert (enc["x"]["field"], enc["y"]["field"], enc["row"]["field"]) == ("week", "day", "year")
    assert enc["y"]["sort"][0] == "Mon" and enc["color"]["field"] == "posts"
    assert [v["label"] for v in values(result)] == ["2022-12-31", "2023-01-01", "2023-01-02"]


def test_a_calendar_of_many_years_keeps_whole_recent_years() -> None:
    days = pd.date_range("2005-01-01", "2024-12-31", freq="D")
    frame = pd.DataFrame(
        {"date": days, "posts": 1, "week": 0, "weekday": days.day_of_week, "year": days.year}
    )
    result = spec(calendar_chart(frame, "en"))
    years = {v["year"] for v in values(result)}
    assert len(values(result)) <= MAX_ROWS and max(years) == 2024 and len(years) == 13
    assert "2012" in result["title"]["subtitle"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_charts_of_nothing_still_render(lang: str) -> None:
    empty = posts_from_rows([])
    for chart in (
        posts_per_period_chart(posts_per_period(empty, "day", MADRID), "day", lang),
        weekday_hour_chart(weekday_hour(empty, MADRID), lang),
        calendar_chart(calendar(empty, MADRID), lang),
    ):
        spec(chart)
