"""The comments page and the post detail view's thread, run by AppTest over an archive whose comments
came from logged-in syncs of the replay; the SQL aggregations of ``insights.comments`` checked against
the same figures counted in Python from every stored comment."""

from __future__ import annotations

import dataclasses
import statistics
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from i18n import format_datetime
from insights import comments
from scraper.archive import Archive
from scraper.instagram.login import Login, login
from scraper.replay import FakeAccount, add_comments, build_account, comment_thread, delete_comment
from scraper.store.models import Comment, Post, utcnow
from tests.databases import Databases
from tests.helpers import replayed, shared_archive
from tests.vega import spec, values

ACCOUNT = "ermua.kultura"
QUIET = "ermua.kirolak"  # synced without comments


@dataclasses.dataclass(frozen=True)
class Seeded:
    archive: Archive
    account: FakeAccount
    busy: str  # the post with more top-level comments than a page of the thread
    vanished: int  # the id of a comment deleted from Instagram after it was stored
    vanished_on: str  # the shortcode of its post


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Seeded]:
    """``ACCOUNT`` synced twice logged in with its comments (a comment deleted in between), and
    ``QUIET`` synced without them. Built once: the tests only read it."""
    with shared_archive(databases, tmp_path_factory.mktemp("comments")) as archive:
        account = build_account(ACCOUNT, 12, seed=3, start=utcnow())
        busy = account.posts[2].shortcode
        add_comments(account, busy, 60, replies=40, seed=5)
        quiet = build_account(QUIET, 6, seed=4)
        with replayed(archive) as (replay, sync):
            saved = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
            researcher = Login("researcher", saved)
            replay.add_account(account)
            replay.add_account(quiet)
            assert sync(ACCOUNT, login=researcher, comments=True).error is None
            # The made-up threads follow the posts' ids, which follow the clock: take the newest post
            # that has a comment without replies, not a fixed one.
            post, victim = next(
                (p, c) for p in account.posts for c in comment_thread(account, p) if not c.replies
            )
            delete_comment(account, victim.pk)
            assert sync(ACCOUNT, login=researcher, comments=True).error is None
            assert sync(QUIET).error is None
        yield Seeded(archive, account, busy, victim.pk, post.shortcode)


@pytest.fixture
def shown(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    """The seeded archive, as the dashboard's environment names it, with Streamlit's caches empty."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", seeded.archive.settings.db_url)
    monkeypatch.setenv("MEDIA_DIR", str(seeded.archive.settings.media_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    return seeded


def stored(archive: Archive) -> list[Comment]:
    with archive.sessions() as session:
        rows = list(session.scalars(select(Comment).where(Comment.profile_id == _profile_id(archive))))
        session.expunge_all()
        return rows


def _profile_id(archive: Archive, username: str = ACCOUNT) -> int:
    with archive.sessions() as session:
        found = comments.account_id(session, username)
        assert found is not None
        return found


# The figures, against Python's own count of every stored comment


def own(comment: Comment, seeded: Seeded) -> bool:
    return comment.owner_username == ACCOUNT or comment.owner_id == seeded.account.user_id


def test_the_summary_counts_every_stored_comment(seeded: Seeded) -> None:
    rows = stored(seeded.archive)
    with seeded.archive.sessions() as session:
        summary = comments.comment_summary(session, _profile_id(seeded.archive), ACCOUNT)

    assert summary == {
        "comments": len(rows),
        "replies": sum(1 for c in rows if c.parent_id is not None),
        "commenters": len({c.owner_username for c in rows if not own(c, seeded)}),
        "posts": len({c.post_id for c in rows}),
        "deleted": 1,
    }


def test_top_commenters_count_comments_and_distinct_posts(seeded: Seeded) -> None:
    rows = [c for c in stored(seeded.archive) if not own(c, seeded)]
    with seeded.archive.sessions() as session:
        top = comments.top_commenters(session, _profile_id(seeded.archive), ACCOUNT)

    counts = Counter(c.owner_username for c in rows)
    expected = sorted(counts, key=lambda owner: (-counts[owner], owner))[:20]
    assert list(top["owner"]) == expected
    assert list(top["comments"]) == [counts[o] for o in expected]
    assert list(top["posts"]) == [len({c.post_id for c in rows if c.owner_username == o}) for o in expected]
    assert ACCOUNT not in set(top["owner"])


def test_answers_are_the_accounts_own_first_replies(seeded: Seeded) -> None:
    rows = stored(seeded.archive)
    asked = [c for c in rows if c.parent_id is None and not own(c, seeded)]
    first: dict[int, float] = {}
    for reply in rows:
        if reply.parent_id is not None and own(reply, seeded):
            parent = next((c for c in asked if c.id == reply.parent_id), None)
            if parent is not None:
                delay = (reply.created_at - parent.created_at).total_seconds()
                first[parent.id] = min(first.get(parent.id, delay), delay)
    with seeded.archive.sessions() as session:
        found = comments.answers(session, _profile_id(seeded.archive), ACCOUNT)

    assert first, "the replay's account answers some comments"
    assert found["comments"] == len(asked) and found["answered"] == len(first)
    assert found["share"] == pytest.approx(len(first) / len(asked))
    assert found["median_seconds"] == pytest.approx(statistics.median(first.values()))


@pytest.mark.parametrize("tz", ["UTC", "Europe/Madrid", "Asia/Kathmandu", "America/St_Johns"])
def test_comments_per_week_in_any_time_zone(seeded: Seeded, tz: str) -> None:
    rows = stored(seeded.archive)
    with seeded.archive.sessions() as session:
        times = comments.comment_times(session, _profile_id(seeded.archive))
    weeks = comments.comments_per_week(times, tz)

    local = pd.Series(pd.to_datetime([c.created_at for c in rows], utc=True)).dt.tz_convert(tz)
    days = local.dt.tz_localize(None).dt.normalize()
    mondays = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    expected = mondays.value_counts()
    assert dict(zip(weeks["week_start"], weeks["comments"], strict=True)) == {
        week: int(expected.get(week, 0)) for week in weeks["week_start"]
    }
    assert weeks["comments"].sum() == len(rows)
    assert weeks["replies"].sum() == sum(1 for c in rows if c.parent_id is not None)
    assert (weeks["week_start"].diff().dropna() == timedelta(days=7)).all()
    assert len(values(spec(comments.comments_per_week_chart(weeks, "en")))) == len(weeks)


def test_most_discussed_posts_and_the_deleted_comment(seeded: Seeded) -> None:
    rows = stored(seeded.archive)
    with seeded.archive.sessions() as session:
        counts = comments.discussed_posts(session, _profile_id(seeded.archive))
        gone = comments.deleted_comments(session, _profile_id(seeded.archive))
        busy_id = session.scalar(select(Post.id).where(Post.shortcode == seeded.busy))

    per_post = Counter(c.post_id for c in rows)
    assert counts["post_id"].iloc[0] == busy_id
    assert list(counts["stored_comments"]) == sorted(per_post.values(), reverse=True)[: len(counts)]
    assert list(gone["comment_id"]) == [seeded.vanished]
    assert gone["deleted_at"].notna().all()


def test_a_thread_has_top_level_comments_oldest_first_with_their_replies(seeded: Seeded) -> None:
    rows = [c for c in stored(seeded.archive)]
    with seeded.archive.sessions() as session:
        post_id = session.scalar(select(Post.id).where(Post.shortcode == seeded.busy))
        assert post_id is not None
        thread = comments.post_thread(session, post_id, _profile_id(seeded.archive))

    mine = [c for c in rows if c.post_id == post_id]
    assert [c["comment_id"] for c in thread] == [
        c.id for c in sorted(mine, key=lambda c: (c.created_at, c.id)) if c.parent_id is None
    ]
    for top in thread:
        replies = sorted(
            (c for c in mine if c.parent_id == top["comment_id"]), key=lambda c: (c.created_at, c.id)
        )
        assert [r["comment_id"] for r in top["replies"]] == [r.id for r in replies]


def test_a_reply_to_a_reply_or_to_a_missing_comment_still_shows() -> None:
    """Instagram nests one level; a reply whose comment is not stored comes as a comment of its own."""
    parents = {1: None, 2: 1, 3: 2, 4: 99, 5: 6, 6: 5}
    assert [comments._root(i, parents) for i in parents] == [1, 1, 1, 4, 6, 5]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("ana", "ana"),
        ("a\u202eb\x00c\u2028d", "a b c d"),
        ("x" * 64, "x" * 39 + "…"),
        ("", ""),
        (None, ""),
    ],
)
def test_chart_labels_are_short_and_without_control_characters(name: str | None, shown: str) -> None:
    assert comments.label(name) == shown


def test_two_names_cut_alike_keep_a_bar_each() -> None:
    frame = pd.DataFrame({"owner": ["y" * 50 + "1", "y" * 50 + "2"], "comments": [3, 2], "posts": [1, 1]})
    rows = values(spec(comments.top_commenters_chart(frame, "en")))
    assert len({row["name"] for row in rows}) == 2


# The pages


def run_page(module: str) -> None:
    import importlib

    from ui import sidebar

    sidebar.render()
    importlib.import_module(f"ui.{module}").page()


def app(module: str, *, account: str | None = ACCOUNT, lang: str = "en", **params: str) -> AppTest:
    at = AppTest.from_function(run_page, args=(module,), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["tz"] = "Europe/Madrid"
    if account:
        at.query_params["account"] = account
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_comments_page_shows_every_part(shown: Seeded) -> None:
    at = app("comments")

    assert not at.exception
    figures = {m.label: m.value for m in at.metric}
    assert figures["Comments stored"] == f"{len(stored(shown.archive)):,}".replace(",", " ")
    assert figures["Deleted since"] == "1"
    assert figures["Comments answered"].endswith("%")
    assert len(at.get("vega_lite_chart")) == 2  # per week, who comments most
    people, found, gone = (d.value for d in at.dataframe)
    others = {c.owner_username for c in stored(shown.archive) if not own(c, shown)}
    assert len(people) == min(20, len(others))
    assert len(found) == min(200, len(stored(shown.archive)))  # the newest, while nothing is searched
    assert list(gone["text"]) == [c.text for c in stored(shown.archive) if c.id == shown.vanished]
    assert len(at.get("download_button")) == 5
    assert at.image  # the most discussed posts' thumbnails
    captions = [c.value for c in at.caption]
    assert any(c.endswith("people") and "stored" in c for c in captions)


def test_the_comments_page_in_spanish(shown: Seeded) -> None:
    at = app("comments", lang="es")

    assert not at.exception
    assert "Comentarios guardados" in [m.label for m in at.metric]


def test_an_account_without_comments_says_how_to_get_them(shown: Seeded) -> None:
    at = app("comments", account=QUIET)

    assert not at.exception
    message = at.info[0].value.replace("\\", "")
    assert f"python -m scraper sync {QUIET} --comments" in message and "logged-in" in message
    assert not at.get("vega_lite_chart")


@pytest.mark.parametrize(
    ("query", "word"),
    [("DONDE", "dónde"), ("donde", "dónde"), ("dónde", "dónde"), ("ESKERRIK", "eskerrik"), ("qué", "qué")],
)
def test_comment_search_ignores_case_and_accents(shown: Seeded, query: str, word: str) -> None:
    at = app("comments")
    at.text_input(key="comment_query").set_value(query).run()

    assert not at.exception
    found = at.dataframe[1].value
    expected = [c for c in stored(shown.archive) if word in c.text.casefold()]
    assert expected and len(found) == len(expected)
    assert all(word in text.casefold() for text in found["text"])
    assert f"{len(expected)} comments match" in [c.value for c in at.caption]


def test_a_most_discussed_post_opens_with_its_thread(shown: Seeded) -> None:
    at = app("comments")
    at.button(key=f"open-{shown.busy}").click().run()

    assert not at.exception
    assert at.query_params["post"] == shown.busy
    assert at.button[0].label == "Back to the comments"
    assert "Comments" in [h.value for h in at.subheader]


def test_the_post_detail_shows_the_thread(shown: Seeded) -> None:
    rows = [c for c in stored(shown.archive)]
    with shown.archive.sessions() as session:
        post_id = session.scalar(select(Post.id).where(Post.shortcode == shown.busy))
    top = sorted(
        (c for c in rows if c.post_id == post_id and c.parent_id is None), key=lambda c: c.created_at
    )

    at = app("gallery", post=shown.busy)

    assert not at.exception
    texts = [e.value for e in at.text]
    assert f"50 of {len(top)} comments (with their replies)" in [c.value for c in at.caption]
    first = top[0]
    at_index = texts.index(first.text.strip())
    assert at_index >= 0
    meta = [c.value.replace("\\", "") for c in at.caption]
    when = first.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Madrid"))
    shown_when = format_datetime(when, "en", time_format="short")  # "Mar 14, 2026, 6:05 PM"
    assert f"@{first.owner_username} · {shown_when} · ♥ {first.likes}" in meta

    at.number_input(key=f"thread-{shown.busy}").set_value(2).run()
    assert not at.exception
    assert f"{len(top) - 50} of {len(top)} comments (with their replies)" in [c.value for c in at.caption]


def test_a_deleted_comment_is_marked_in_the_thread(shown: Seeded) -> None:
    victim = next(c for c in stored(shown.archive) if c.id == shown.vanished)
    at = app("gallery", post=shown.vanished_on)

    assert not at.exception
    assert victim.text.strip() in [e.value for e in at.text]
    assert any("deleted: vanished" in c.value.replace("\\", "") for c in at.caption)


def test_a_post_without_stored_comments_says_so(shown: Seeded) -> None:
    quiet = app("gallery", account=QUIET)
    assert not quiet.exception
    with shown.archive.sessions() as session:
        code = session.scalars(
            select(Post.shortcode).where(Post.profile_id == _profile_id(shown.archive, QUIET))
        ).first()
    assert code is not None

    at = app("gallery", account=QUIET, post=code)

    assert not at.exception
    assert any("No comments of this post are stored" in c.value for c in at.caption)
