"""Engagement on hand-made frames: the formula, rolling medians, means by type and posting time, best
and worst posts, growth curves (also from a real archive synced twice); and the charts as specs."""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
import pytest

from insights.charts import MAX_ROWS
from insights.data import metrics_frame, posts_from_rows, snapshots_frame
from insights.engagement import (
    ENGAGEMENT_FORMULA,
    bottom_posts,
    by_type,
    by_type_chart,
    by_weekday_hour,
    by_weekday_hour_chart,
    engagement_over_time,
    engagement_over_time_chart,
    engagement_rate,
    follower_growth_chart,
    growing_posts,
    growth_curves,
    growth_curves_chart,
    has_growth,
    top_posts,
)
from scraper.archive import Archive
from scraper.replay import InstagramReplay, add_new_posts, build_account
from tests.helpers import Syncer
from tests.vega import spec, values

HOSTILE = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'


def sample() -> pd.DataFrame:
    """Five posts of one account with 100 followers, a day apart, and one of another account."""
    rows: list[dict[str, Any]] = [
        {"taken_at": "2024-03-04T10:00:00Z", "type": "image", "likes": 1, "comments": 1, "caption": HOSTILE},
        {"taken_at": "2024-03-05T10:00:00Z", "type": "video", "likes": 100, "comments": 0, "views": 1000},
        {"taken_at": "2024-03-06T10:00:00Z", "type": "image", "likes": 2, "comments": 2},
        {"taken_at": "2024-03-07T10:00:00Z", "type": "carousel", "likes": 3, "comments": 1},
        {"taken_at": "2024-03-08T10:00:00Z", "type": "video", "likes": 50, "comments": 6, "views": 700},
    ]
    for row in rows:
        row["followers"] = 100
    other = {"taken_at": "2024-03-05T12:00:00Z", "username": "b", "likes": 7, "comments": 3, "followers": 0}
    return posts_from_rows([*rows, other])


def test_engagement_is_interactions_over_followers_and_the_rate_is_their_mean() -> None:
    frame = sample()
    assert ENGAGEMENT_FORMULA == "(likes + comments) / followers"
    assert list(frame["engagement"].iloc[:5]) == pytest.approx([0.02, 1.0, 0.04, 0.04, 0.56])
    assert math.isnan(frame["engagement"].iloc[5])  # followers 0
    assert engagement_rate(frame) == pytest.approx((0.02 + 1.0 + 0.04 + 0.04 + 0.56) / 5)
    assert math.isnan(engagement_rate(frame.iloc[5:])) and math.isnan(engagement_rate(posts_from_rows([])))


def test_rolling_median_is_centred_and_per_account() -> None:
    result = engagement_over_time(sample(), "likes", window=3)
    assert list(result.columns) == ["taken_at", "value", "rolling_median", "shortcode", "username", "type"]
    a = result[result["username"] == "a"]
    assert list(a["value"]) == [1, 100, 2, 3, 50]
    # Windows: (1, 100), (1, 100, 2), (100, 2, 3), (2, 3, 50), (3, 50)
    assert list(a["rolling_median"]) == [50.5, 2, 3, 3, 26.5]
    b = result[result["username"] == "b"]
    assert list(b["rolling_median"]) == [7]  # not mixed with account a
    assert result["taken_at"].is_monotonic_increasing
    assert list(result["shortcode"])[:3] == ["p1", "p2", "p6"]


def test_rolling_median_of_the_default_window_and_of_views() -> None:
    frame = posts_from_rows(
        [{"taken_at": f"2024-01-{d:02d}T00:00:00Z", "likes": d * d} for d in range(1, 12)]
    )
    medians = list(engagement_over_time(frame, "likes")["rolling_median"])
    # Nine posts centred on each: the first sees days 1-5, the sixth days 2-10.
    assert medians[0] == 9 and medians[5] == 36 and medians[-1] == 81
    views = engagement_over_time(sample(), "views", window=2)
    assert list(views["value"]) == [1000, 700]  # only the videos have views
    assert list(views["rolling_median"]) == [1000, 850]  # an even window takes one more before than after
    assert engagement_over_time(posts_from_rows([]), "likes").empty


def test_by_type_gives_exact_means_in_a_fixed_order() -> None:
    result = by_type(sample().iloc[:5])
    assert list(result.columns) == ["type", "posts", "mean_likes", "mean_comments", "mean_engagement"]
    assert list(result["type"]) == ["image", "video", "carousel"]
    assert list(result["posts"]) == [2, 2, 1]
    assert list(result["mean_likes"]) == [1.5, 75.0, 3.0]
    assert list(result["mean_comments"]) == [1.5, 3.0, 1.0]
    assert list(result["mean_engagement"]) == pytest.approx([0.03, 0.78, 0.04])
    assert list(
        by_type(posts_from_rows([{"taken_at": "2024-01-01T00:00:00Z", "type": "video"}]))["type"]
    ) == ["video"]
    assert by_type(posts_from_rows([])).empty


def test_by_weekday_hour_means_engagement_per_cell_in_the_zone() -> None:
    frame = posts_from_rows(
        [
            {
                "taken_at": "2024-03-10T23:30:00Z",
                "likes": 10,
                "comments": 0,
                "followers": 100,
            },  # Mon 0h Madrid
            {
                "taken_at": "2024-03-17T23:10:00Z",
                "likes": 30,
                "comments": 0,
                "followers": 100,
            },  # Mon 0h Madrid
            {
                "taken_at": "2024-03-12T09:00:00Z",
                "likes": 5,
                "comments": 0,
                "followers": None,
            },  # Tue 10h, no rate
        ]
    )
    result = by_weekday_hour(frame, "Europe/Madrid")
    assert list(result.columns) == ["weekday", "hour", "posts", "mean_engagement"] and len(result) == 168
    cells = result.set_index(["weekday", "hour"])
    assert cells.loc[(0, 0), "posts"] == 2 and cells.loc[(0, 0), "mean_engagement"] == pytest.approx(0.2)
    assert cells.loc[(1, 10), "posts"] == 1 and math.isnan(cells.loc[(1, 10), "mean_engagement"])
    assert cells["posts"].sum() == 3 and cells["mean_engagement"].notna().sum() == 1
    empty = by_weekday_hour(posts_from_rows([]), "UTC")
    assert len(empty) == 168 and empty["posts"].sum() == 0


@pytest.mark.parametrize(
    ("by", "top", "bottom"),
    [
        ("engagement", ["p2", "p5", "p4"], ["p1", "p4", "p3"]),  # p3 and p4 tie: the newer first
        ("likes", ["p2", "p5", "p6"], ["p1", "p3", "p4"]),
        ("views", ["p2", "p5"], ["p5", "p2"]),
    ],
)
def test_top_and_bottom_posts(by: str, top: list[str], bottom: list[str]) -> None:
    best = top_posts(sample(), n=3, by=by)
    worst = bottom_posts(sample(), n=3, by=by)
    assert list(best["shortcode"]) == top and list(worst["shortcode"]) == bottom
    assert "thumb" in best.columns and list(best.columns) == list(sample().columns)


def metrics(*rows: tuple[str, str, str, int, int]) -> pd.DataFrame:
    """A metrics frame from (shortcode, post time, sync time, likes, comments)."""
    return pd.DataFrame(
        {
            "post_id": [hash(r[0]) % 1000 for r in rows],
            "shortcode": [r[0] for r in rows],
            "username": "a",
            "post_taken_at": pd.to_datetime([r[1] for r in rows], utc=True),
            "taken_at": pd.to_datetime([r[2] for r in rows], utc=True),
            "likes": pd.array([r[3] for r in rows], dtype="Int64"),
            "comments": pd.array([r[4] for r in rows], dtype="Int64"),
            "views": pd.array([None] * len(rows), dtype="Int64"),
        }
    )


def test_growth_curves_measure_hours_since_the_post() -> None:
    frame = metrics(
        ("x", "2024-03-01T10:00:00Z", "2024-03-01T16:00:00Z", 10, 1),
        ("x", "2024-03-01T10:00:00Z", "2024-03-03T10:00:00Z", 40, 3),
        ("y", "2024-03-02T10:00:00Z", "2024-03-03T10:00:00Z", 5, 0),
        ("z", "2024-02-01T10:00:00Z", "2024-03-03T10:00:00Z", 9, 0),
    )
    assert has_growth(frame) and growing_posts(frame) == ["x"]
    assert not has_growth(frame[frame["shortcode"] != "x"]) and not has_growth(frame.iloc[0:0])
    result = growth_curves(frame, ["x", "y"])
    assert list(result.columns) == ["shortcode", "username", "hours_since_post", "likes", "comments", "views"]
    assert [
        tuple(r)
        for r in result[["shortcode", "hours_since_post", "likes", "comments"]].itertuples(index=False)
    ] == [
        ("x", 6.0, 10, 1),
        ("x", 48.0, 40, 3),
        ("y", 24.0, 5, 0),
    ]
    assert growth_curves(frame, []).empty


def test_growth_from_an_archive_synced_twice(archive: Archive, replay: InstagramReplay, sync: Syncer) -> None:
    account = build_account("gamma", 20, seed=4)
    replay.add_account(account)
    assert sync("gamma").error is None
    with archive.sessions() as session:
        assert not has_growth(metrics_frame(session, ["gamma"]))
    add_new_posts(account, 2)
    assert sync("gamma", refresh_recent=3, media=False).error is None
    with archive.sessions() as session:
        frame = metrics_frame(session, ["gamma"])
        snapshots = snapshots_frame(session, ["gamma"])
    assert has_growth(frame)
    growing = growing_posts(frame)
    assert 1 <= len(growing) <= 3
    curves = growth_curves(frame, growing)
    assert curves.groupby("shortcode").size().min() == 2 and (curves["hours_since_post"] > 0).all()
    result = spec(growth_curves_chart(curves, "en"))
    assert result["mark"]["type"] == "line" and result["encoding"]["color"]["field"] == "shortcode"
    assert (result["encoding"]["x"]["field"], result["encoding"]["y"]["field"]) == (
        "hours_since_post",
        "likes",
    )
    growth = spec(follower_growth_chart(snapshots, "es"))
    assert len(values(growth)) == 2 and growth["title"]["text"] == "Seguidores a lo largo del tiempo"


# Charts -----------------------------------------------------------------------------------------


def test_over_time_chart_layers_points_and_the_median_line_with_the_shortcode_in_the_tooltip() -> None:
    result = spec(engagement_over_time_chart(engagement_over_time(sample(), "likes", 3), "likes", "es"))
    points, line = result["layer"]
    assert points["mark"]["type"] == "circle" and line["mark"]["type"] == "line"
    assert (points["encoding"]["x"]["field"], points["encoding"]["x"]["type"]) == ("taken_at", "temporal")
    assert (points["encoding"]["y"]["field"], line["encoding"]["y"]["field"]) == ("value", "rolling_median")
    assert "shortcode" in [t["field"] for t in points["encoding"]["tooltip"]]
    assert points["encoding"]["color"]["field"] == "username"  # two accounts
    assert result["title"]["text"] == "Me gusta por publicación a lo largo del tiempo"
    text = json.dumps(result)
    assert "onerror" not in text and "<script" not in text  # captions never reach a chart


def test_over_time_chart_of_one_account_colours_by_type_and_thins_big_data() -> None:
    frame = posts_from_rows(
        [
            {"taken_at": pd.Timestamp("2020-01-01", tz="UTC") + pd.Timedelta(hours=i), "likes": i}
            for i in range(MAX_ROWS + 1000)
        ]
    )
    result = spec(engagement_over_time_chart(engagement_over_time(frame, "likes"), "likes", "en"))
    shown = (
        result["datasets"][result["layer"][0]["data"]["name"]]
        if "data" in result["layer"][0]
        else values(result)
    )
    assert len(shown) == MAX_ROWS and shown[0]["value"] == 0 and shown[-1]["value"] == MAX_ROWS + 999
    assert result["layer"][0]["encoding"]["color"]["field"] == "type_name"
    assert {v["type_name"] for v in shown} == {"Photo"}
    assert result["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["Photo", "Video", "Carousel"]
    assert result["title"]["subtitle"].startswith("5,000 of 6,000 posts")  # numbers written as English does


def test_by_type_and_best_time_charts() -> None:
    bars = spec(by_type_chart(by_type(sample()), "es"))
    assert bars["mark"]["type"] == "bar"
    assert (bars["encoding"]["x"]["field"], bars["encoding"]["y"]["field"]) == (
        "type_name",
        "mean_engagement",
    )
    assert bars["encoding"]["x"]["sort"] == ["Foto", "Vídeo", "Carrusel"]
    assert bars["encoding"]["y"]["axis"]["format"] == ".2%"
    likes = spec(by_type_chart(by_type(sample()), "en", metric="mean_likes"))
    assert (
        likes["encoding"]["y"]["field"] == "mean_likes"
        and likes["title"]["text"] == "Mean likes by post type"
    )
    heat = spec(by_weekday_hour_chart(by_weekday_hour(sample(), "Europe/Madrid"), "en"))
    assert heat["mark"]["type"] == "rect"
    assert (heat["encoding"]["color"]["field"], heat["encoding"]["y"]["sort"][0]) == (
        "mean_engagement",
        "Mon",
    )


def test_follower_growth_of_many_syncs_is_thinned_per_account() -> None:
    times = list(pd.date_range("2020-01-01", periods=4000, freq="h", tz="UTC"))
    frame = pd.DataFrame(
        {"username": ["a"] * 4000 + ["b"] * 4000, "taken_at": times * 2, "followers": list(range(8000))}
    )
    result = spec(follower_growth_chart(frame, "en"))
    shown = pd.DataFrame(values(result))
    assert shown.groupby("username").size().to_dict() == {"a": MAX_ROWS // 2, "b": MAX_ROWS // 2}
    assert shown["followers"].iloc[0] == 0 and shown["followers"].iloc[-1] == 7999  # ends kept
    assert result["title"]["subtitle"] == f"{MAX_ROWS:,} of 8,000 syncs are drawn, evenly spread."


@pytest.mark.parametrize("lang", ["en", "es"])
def test_engagement_charts_of_nothing_still_render(lang: str) -> None:
    empty = posts_from_rows([])
    spec(engagement_over_time_chart(engagement_over_time(empty, "views"), "views", lang))
    spec(by_type_chart(by_type(empty), lang))
    spec(by_weekday_hour_chart(by_weekday_hour(empty, "UTC"), lang))
    spec(growth_curves_chart(growth_curves(metrics(("x", "2024-01-01", "2024-01-02", 1, 1)), []), lang))
    spec(
        follower_growth_chart(
            pd.DataFrame({"username": [], "taken_at": pd.to_datetime([], utc=True), "followers": []}), lang
        )
    )
