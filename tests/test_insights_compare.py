"""Several accounts side by side: exact per-account numbers on hand-made frames, the charts as specs,
and the whole comparison over a real archive of two synced accounts."""

from __future__ import annotations

import pandas as pd
import pytest

from insights.compare import (
    compare_engagement,
    compare_engagement_chart,
    compare_frequency,
    compare_frequency_chart,
    engagement_of,
    follower_growth_chart,
    post_times,
    type_mix,
    type_mix_chart,
    type_mix_of,
)
from insights.data import posts_frame, posts_from_rows, snapshots_frame
from scraper.archive import Archive
from scraper.replay import InstagramReplay, build_account
from tests.helpers import Syncer
from tests.vega import spec, values


def two() -> pd.DataFrame:
    return posts_from_rows(
        [
            {"taken_at": "2024-01-01T10:00:00Z", "username": "ane", "type": "image", "likes": 10, "comments": 0, "followers": 100},
            {"taken_at": "2024-01-09T10:00:00Z", "username": "ane", "type": "image", "likes": 20, "comments": 10, "followers": 100},
            {"taken_at": "2024-01-10T10:00:00Z", "username": "ane", "type": "video", "likes": 30, "comments": 5, "followers": 100},
            {"taken_at": "2024-01-02T10:00:00Z", "username": "bea", "type": "carousel", "likes": 1, "comments": 1, "followers": None},
        ]
    )  # fmt: skip


def test_compare_engagement_per_account() -> None:
    result = compare_engagement(two())
    assert list(result.columns) == [
        "username",
        "posts",
        "followers",
        "engagement_rate",
        "mean_likes",
        "mean_comments",
    ]
    ane, bea = result.to_dict("records")
    assert ane["username"] == "ane" and ane["posts"] == 3 and ane["followers"] == 100
    assert ane["engagement_rate"] == pytest.approx((0.1 + 0.3 + 0.35) / 3)
    assert (ane["mean_likes"], ane["mean_comments"]) == (20.0, 5.0)
    assert bea["posts"] == 1 and pd.isna(bea["followers"]) and pd.isna(bea["engagement_rate"])
    assert compare_engagement(posts_from_rows([])).empty


def test_type_mix_lists_every_type_for_every_account() -> None:
    result = type_mix(two())
    assert list(result.columns) == ["username", "type", "posts", "share"]
    assert [tuple(r) for r in result.itertuples(index=False)] == [
        ("ane", "image", 2, pytest.approx(2 / 3)),
        ("ane", "video", 1, pytest.approx(1 / 3)),
        ("ane", "carousel", 0, 0.0),
        ("bea", "image", 0, 0.0),
        ("bea", "video", 0, 0.0),
        ("bea", "carousel", 1, 1.0),
    ]
    assert result.groupby("username")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert type_mix(posts_from_rows([])).empty


def test_compare_frequency_counts_each_account_on_the_same_periods() -> None:
    result = compare_frequency(two(), "week", "UTC")
    assert [tuple(r) for r in result.itertuples(index=False)] == [
        ("ane", pd.Timestamp("2024-01-01"), 1),
        ("ane", pd.Timestamp("2024-01-08"), 2),
        ("bea", pd.Timestamp("2024-01-01"), 1),
    ]
    chart = spec(compare_frequency_chart(result, "week", "en"))
    assert chart["mark"]["type"] == "line" and chart["encoding"]["color"]["field"] == "username"
    one = spec(compare_frequency_chart(compare_frequency(two().iloc[:1], "week", "UTC"), "week", "en"))
    assert one["mark"]["type"] == "line"  # a comparison draws lines even for one account


def test_compare_charts() -> None:
    bars = spec(compare_engagement_chart(compare_engagement(two()), "es"))
    assert bars["mark"]["type"] == "bar"
    assert (bars["encoding"]["y"]["field"], bars["encoding"]["x"]["field"]) == ("username", "engagement_rate")
    assert bars["encoding"]["x"]["axis"]["format"] == ".2%"
    assert bars["title"]["text"] == "Tasa de interacción por cuenta"
    likes = spec(compare_engagement_chart(compare_engagement(two()), "en", metric="mean_likes"))
    assert likes["encoding"]["x"]["field"] == "mean_likes"
    stacked = spec(type_mix_chart(type_mix(two()), "es"))
    enc = stacked["encoding"]
    assert stacked["mark"]["type"] == "bar" and enc["x"]["stack"] == "zero"
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == ("share", "username", "type_name")
    assert enc["color"]["scale"]["domain"] == ["Foto", "Vídeo", "Carrusel"]
    assert enc["order"]["field"] == "order"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_compare_charts_of_nothing_still_render(lang: str) -> None:
    empty = posts_from_rows([])
    spec(compare_frequency_chart(compare_frequency(empty, "month", "UTC"), "month", lang))
    spec(compare_engagement_chart(compare_engagement(empty), lang))
    spec(type_mix_chart(type_mix(empty), lang))


def test_comparing_two_synced_accounts(archive: Archive, replay: InstagramReplay, sync: Syncer) -> None:
    accounts = {"ane": build_account("ane", 15, seed=5), "bea": build_account("bea", 10, seed=6)}
    for name, account in accounts.items():
        replay.add_account(account)
        assert sync(name, media=False).error is None
    with archive.sessions() as session:
        frame = posts_frame(session, list(accounts))
        snapshots = snapshots_frame(session, list(accounts))
    engagement = compare_engagement(frame).set_index("username")
    for name, account in accounts.items():
        rates = [(p.likes + p.comments) / account.followers for p in account.posts]
        assert engagement.loc[name, "engagement_rate"] == pytest.approx(sum(rates) / len(rates))
        assert engagement.loc[name, "posts"] == len(account.posts)
    mix = type_mix(frame)
    assert mix.groupby("username")["posts"].sum().to_dict() == {"ane": 15, "bea": 10}
    # The group page's figures, counted by the database, agree with those of the posts frame.
    with archive.sessions() as session:
        pd.testing.assert_frame_equal(engagement_of(session, list(accounts)), compare_engagement(frame))
        pd.testing.assert_frame_equal(type_mix_of(session, list(accounts)), mix)
        times = post_times(session, list(accounts))
    pd.testing.assert_frame_equal(
        compare_frequency(times, "week", "Europe/Madrid"), compare_frequency(frame, "week", "Europe/Madrid")
    )
    growth = spec(follower_growth_chart(snapshots, "en"))
    assert growth["mark"]["type"] == "line" and growth["encoding"]["color"]["field"] == "username"
    assert {v["username"] for v in values(growth)} == {"ane", "bea"}
    for chart in (
        compare_frequency_chart(compare_frequency(frame, "month", "Europe/Madrid"), "month", "es"),
        compare_engagement_chart(compare_engagement(frame), "es"),
        type_mix_chart(mix, "es"),
    ):
        spec(chart)
