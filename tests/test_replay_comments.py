"""The replay serves the comments and replies of the fake posts on every endpoint instaloader 4.16 uses
for them, and instaloader's own ``Post.get_comments()`` reads them all back."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import instaloader
import pytest
import requests
from instaloader import Post

from scraper.instagram import fetch
from scraper.replay import (
    IPHONE_COMMENTS_PAGE,
    QUERY_HASH_COMMENT_REPLIES,
    QUERY_HASH_COMMENTS,
    REPLY_PREVIEW,
    FakeAccount,
    FakeComment,
    FakePost,
    InstagramReplay,
    add_comments,
    build_account,
    comment_thread,
    delete_comment,
    find_comment,
    iter_comments,
    media_item,
    set_comments_disabled,
    thread_size,
)
from tests.helpers import SHARED_FIXTURES, USERS, settings_in

RECORDED = SHARED_FIXTURES / "instagram-web"
GRAPHQL_PAGE = 12  # instaloader's NodeIterator asks for 12 at a time; more comments go the iPhone way
COMMENT_KINDS = ("comments", "comment_replies", "comments_iphone", "child_comments_iphone")


@pytest.fixture
def account() -> FakeAccount:
    return build_account("ermuko_argazkiak", 30, seed=4, pinned=1)


@pytest.fixture
def replay(account: FakeAccount) -> Iterator[InstagramReplay]:
    with InstagramReplay([account], users=USERS) as rp:
        yield rp


def new_loader(tmp_path: Path) -> instaloader.Instaloader:
    """The scraper's own loader, never waiting."""
    settings = settings_in(tmp_path, "sqlite:///:memory:")
    return fetch.make_loader(settings=settings, sleep=False, rate_sleep=lambda _seconds: None)


@pytest.fixture
def loader(replay: InstagramReplay, tmp_path: Path) -> instaloader.Instaloader:
    """Logged in as the researcher, without the login's requests."""
    loader = new_loader(tmp_path)
    loader.load_session("researcher", replay.make_session("researcher"))
    return loader


@pytest.fixture
def small(account: FakeAccount) -> FakePost:
    """A post whose comments instaloader reads with GraphQL, with a comment whose replies are more than
    the embedded preview (so they need the replies query)."""
    post = next(p for p in account.posts if 1 <= p.comments <= GRAPHQL_PAGE - REPLY_PREVIEW - 3)
    add_comments(account, post.shortcode, 1, replies=REPLY_PREVIEW + 2, seed=5)
    assert post.comments <= GRAPHQL_PAGE
    return post


@pytest.fixture
def big(account: FakeAccount) -> FakePost:
    """A post of many comments (made up from its count), read through the iPhone API; never ``small``."""
    post = next(p for p in account.posts if p.comments > GRAPHQL_PAGE)
    post.comments = 80
    return post


def utc(timestamp: int) -> datetime:
    """A time as instaloader gives created_at_utc: naive UTC."""
    return datetime.utcfromtimestamp(timestamp)


def expected(account: FakeAccount, post: FakePost) -> list[tuple[Any, ...]]:
    """(id, text, owner, created, likes, [replies the same]) of the post's top-level comments."""

    def row(c: FakeComment) -> tuple[Any, ...]:
        return (c.pk, c.text, c.owner, utc(c.created_at), c.likes)

    return [(*row(c), [row(r) for r in c.replies]) for c in comment_thread(account, post)]


def read_comments(post: Post) -> list[tuple[Any, ...]]:
    """What instaloader reads: the same rows, in the order it yields them."""
    out = []
    for c in post.get_comments():
        answers = [(a.id, a.text, a.owner.username, a.created_at_utc, a.likes_count) for a in c.answers]
        # GraphQL gives comment ids as strings (as Instagram does), the iPhone API as numbers.
        out.append((int(c.id), c.text, c.owner.username, c.created_at_utc, c.likes_count, answers))
    return out


def owner_ids(post: Post) -> dict[str, int]:
    ids = {}
    for c in post.get_comments():
        ids[c.owner.username] = c.owner.userid
        ids.update((a.owner.username, a.owner.userid) for a in c.answers)
    return ids


def needing_replies_query(account: FakeAccount, post: FakePost) -> int:
    return sum(1 for c in comment_thread(account, post) if len(c.replies) > REPLY_PREVIEW)


# --- the made-up threads ------------------------------------------------------------------------


def test_threads_follow_the_counts_deterministically(account: FakeAccount) -> None:
    again = build_account("ermuko_argazkiak", 30, seed=4, pinned=1)
    all_ids = []
    for post, twin in zip(account.posts, again.posts, strict=True):
        thread = comment_thread(account, post)
        assert thread_size(thread) == post.comments
        assert thread == comment_thread(again, twin) == comment_thread(account, post)
        last = post.taken_at
        for comment in thread:
            assert comment.created_at > last and comment.parent_pk is None
            last = comment.created_at
            for reply in comment.replies:
                assert reply.created_at > comment.created_at and reply.parent_pk == comment.pk
                assert not reply.replies
        all_ids += [c.pk for c in iter_comments(thread)]
    assert len(all_ids) == len(set(all_ids)) == sum(p.comments for p in account.posts)
    comments = [c for p in account.posts for c in iter_comments(comment_thread(account, p))]
    texts = " ".join(c.text for c in comments)
    assert "@" in texts and any(c.likes for c in comments) and any(c.replies for c in comments)
    assert any(c.owner == account.username for c in comments)  # the account answers, too
    assert {"Zorionak!", "Eskerrik asko", "¡Qué bonito!"} & {c.text for c in comments}


def test_a_growing_count_keeps_the_earlier_comments(account: FakeAccount) -> None:
    post = account.posts[4]
    before = list(iter_comments(comment_thread(account, post)))
    post.comments += 25
    after = {c.pk: c for c in iter_comments(comment_thread(account, post))}
    assert len(after) == post.comments
    for comment in before:
        assert (after[comment.pk].text, after[comment.pk].created_at) == (comment.text, comment.created_at)


# --- instaloader reads them -----------------------------------------------------------------------


def test_graphql_path_with_replies_query(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, small: FakePost
) -> None:
    fake = small
    replay.reset_calls()
    post = Post.from_shortcode(loader.context, fake.shortcode)
    assert post.comments == fake.comments <= GRAPHQL_PAGE
    got = read_comments(post)
    assert got == expected(account, fake)  # one page, oldest first; replies oldest first
    assert sum(1 + len(c[-1]) for c in got) == fake.comments
    replies_queries = needing_replies_query(account, fake)
    assert replies_queries >= 1
    assert replay.counts() == {"post": 1, "comments": 1, "comment_replies": replies_queries}
    calls = {c.kind: c for c in replay.calls}
    assert calls["comments"].variables == {"shortcode": fake.shortcode, "first": GRAPHQL_PAGE}
    assert set(calls["comment_replies"].variables or {}) == {"comment_id", "first"}
    assert all(c.logged_in and c.status == 200 for c in replay.calls)
    assert all(c.host == "www.instagram.com" for c in replay.calls)


def test_iphone_path_pages_and_child_comments(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, big: FakePost
) -> None:
    fake = big
    thread = comment_thread(account, fake)
    pages = math.ceil(len(thread) / IPHONE_COMMENTS_PAGE)
    children = needing_replies_query(account, fake)
    assert pages >= 3 and children >= 1
    replay.reset_calls()
    post = Post.from_shortcode(loader.context, fake.shortcode)
    got = read_comments(post)
    assert got == list(reversed(expected(account, fake)))  # the newest first, page after page
    assert sum(1 + len(c[-1]) for c in got) == fake.comments == 80
    assert replay.counts() == {"post": 1, "comments_iphone": pages, "child_comments_iphone": children}
    iphone = [c for c in replay.calls if c.kind != "post"]
    assert all(c.host == "i.instagram.com" and c.logged_in and c.status == 200 for c in iphone)
    firsts = [c.url for c in iphone if c.kind == "comments_iphone"]
    assert "min_id" not in firsts[0] and all("min_id=" in url for url in firsts[1:])
    # Owners come with their ids, the account's own answers with the account's.
    owners = owner_ids(post)
    assert owners.get(account.username, account.user_id) == account.user_id
    assert len(set(owners.values())) == len(owners)


def test_iphone_pages_shape(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, big: FakePost
) -> None:
    fake = big
    path = f"api/v1/media/{fake.pk}/comments/"
    params = {"can_support_threading": "true", "permalink_enabled": "false"}
    pages = [loader.context.get_iphone_json(path, params)]
    while "next_min_id" in pages[-1]:
        assert pages[-1]["has_more_comments"] is True
        pages.append(loader.context.get_iphone_json(path, {**params, "min_id": pages[-1]["next_min_id"]}))
    assert pages[-1]["has_more_comments"] is False
    assert all(p["status"] == "ok" and p["comment_count"] == 80 for p in pages)
    assert all(len(p["comments"]) == IPHONE_COMMENTS_PAGE for p in pages[:-1])
    served = [c for p in pages for c in p["comments"]]
    assert [c["created_at"] for c in served] == sorted((c["created_at"] for c in served), reverse=True)
    for record in served:
        assert record["media_id"] == fake.pk and record["type"] == 0
        assert record["user"]["pk_id"] == str(record["user"]["pk"]) == str(record["user_id"])
        assert len(record["preview_child_comments"]) == min(record["child_comment_count"], REPLY_PREVIEW)
        assert all(r["parent_comment_id"] == record["pk"] for r in record["preview_child_comments"])
    parent = next(c for c in served if c["child_comment_count"] > REPLY_PREVIEW)
    children = loader.context.get_iphone_json(f"{path}{parent['pk']}/child_comments/", {"max_id": ""})
    assert len(children["child_comments"]) == parent["child_comment_count"]
    assert children["child_comments"][:REPLY_PREVIEW] == parent["preview_child_comments"]


def test_graphql_pages_and_replies_pages(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, big: FakePost
) -> None:
    """The GraphQL queries page as instaloader's NodeIterator asks: `first`, then `after`."""
    fake = big
    tops = comment_thread(account, fake)
    pages = []
    variables: dict[str, Any] = {"shortcode": fake.shortcode, "first": GRAPHQL_PAGE}
    while True:
        answer = loader.context.graphql_query(QUERY_HASH_COMMENTS, variables)
        assert answer["status"] == "ok"
        connection = answer["data"]["shortcode_media"]["edge_media_to_parent_comment"]
        assert connection["count"] == fake.comments
        pages.append([int(e["node"]["id"]) for e in connection["edges"]])
        if not connection["page_info"]["has_next_page"]:
            break
        variables = {**variables, "after": connection["page_info"]["end_cursor"]}
    # The newest page first, each page oldest first (as in the recorded pages).
    assert pages[0] == [c.pk for c in tops[-GRAPHQL_PAGE:]]
    assert sorted(pk for page in pages for pk in page) == [c.pk for c in tops]
    assert all(page == sorted(page) for page in pages) and len(pages) == math.ceil(len(tops) / GRAPHQL_PAGE)
    parent = max(tops, key=lambda c: len(c.replies))
    assert len(parent.replies) > 2
    got, after = [], None
    while True:
        variables = {"comment_id": str(parent.pk), "first": 2, **({"after": after} if after else {})}
        connection = loader.context.graphql_query(QUERY_HASH_COMMENT_REPLIES, variables)["data"]["comment"][
            "edge_threaded_comments"
        ]
        assert connection["count"] == len(parent.replies) and len(connection["edges"]) <= 2
        got += [int(e["node"]["id"]) for e in connection["edges"]]
        if not connection["page_info"]["has_next_page"]:
            break
        after = connection["page_info"]["end_cursor"]
    assert got == [r.pk for r in parent.replies]


# --- changes ------------------------------------------------------------------------------------


def test_deleted_comments_disappear_everywhere(
    replay: InstagramReplay,
    account: FakeAccount,
    loader: instaloader.Instaloader,
    small: FakePost,
    big: FakePost,
) -> None:
    gone_thread = next(c for c in comment_thread(account, small) if c.replies)
    gone_reply = next(c for c in comment_thread(account, big) if len(c.replies) > REPLY_PREVIEW).replies[1]
    counts = small.comments, big.comments
    assert delete_comment(account, gone_thread.pk).pk == gone_thread.pk
    assert delete_comment(account, gone_reply.pk).pk == gone_reply.pk
    assert small.comments == counts[0] - 1 - len(gone_thread.replies) and big.comments == counts[1] - 1
    for fake in (small, big):
        post = Post.from_shortcode(loader.context, fake.shortcode)
        assert post.comments == fake.comments
        got = read_comments(post)
        assert sorted(got) == sorted(expected(account, fake))
        assert sum(1 + len(c[-1]) for c in got) == fake.comments
        ids = {c[0] for c in got} | {a[0] for c in got for a in c[-1]}
        assert not ids & {gone_thread.pk, gone_reply.pk, *(r.pk for r in gone_thread.replies)}
    assert find_comment(account, gone_thread.pk) is None
    with pytest.raises(KeyError):
        delete_comment(account, gone_thread.pk)
    # Asked for anyway: the GraphQL comment is null, the iPhone API says no.
    answer = loader.context.graphql_query(QUERY_HASH_COMMENT_REPLIES, {"comment_id": str(gone_thread.pk)})
    assert answer["data"]["comment"] is None
    with pytest.raises(instaloader.QueryReturnedBadRequestException):
        loader.context.get_iphone_json(
            f"api/v1/media/{small.pk}/comments/{gone_thread.pk}/child_comments/", {}
        )


def test_added_comments_appear_with_the_count(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, big: FakePost
) -> None:
    fake = big
    newest_before = max(c.created_at for c in iter_comments(comment_thread(account, fake)))
    new = add_comments(account, fake.shortcode, 4, replies=3, seed=9)
    assert fake.comments == 87 and len(new) == 7
    assert [c.parent_pk is None for c in new] == [True] * 4 + [False] * 3
    assert all(c.created_at > newest_before for c in new)
    target = comment_thread(account, fake)[0]
    more = add_comments(account, fake.shortcode, 0, replies=REPLY_PREVIEW + 1, seed=2, reply_to=target.pk)
    assert all(r.parent_pk == target.pk for r in more) and fake.comments == 90
    all_ids = [c.pk for p in account.posts for c in iter_comments(comment_thread(account, p))]
    assert len(all_ids) == len(set(all_ids))
    post = Post.from_shortcode(loader.context, fake.shortcode)
    assert post.comments == 90
    got = read_comments(post)
    assert got[:4] == list(reversed(expected(account, fake)))[:4]  # the new ones come first
    assert {c.pk for c in new[:4]} == {c[0] for c in got[:4]}
    assert sorted(got) == sorted(expected(account, fake))
    oldest = next(c for c in got if c[0] == target.pk)
    assert [a[0] for a in oldest[-1]][-len(more) :] == [r.pk for r in more]
    # Added comments stay put between calls and keep their ids.
    assert read_comments(Post.from_shortcode(loader.context, fake.shortcode)) == got


def test_a_small_post_grows_past_the_graphql_page(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, small: FakePost
) -> None:
    fake = small
    add_comments(account, fake.shortcode, GRAPHQL_PAGE, seed=3)
    replay.reset_calls()
    got = read_comments(Post.from_shortcode(loader.context, fake.shortcode))
    assert got == list(reversed(expected(account, fake)))
    pages = math.ceil(len(comment_thread(account, fake)) / IPHONE_COMMENTS_PAGE)
    assert replay.count("comments") == 0 and replay.count("comments_iphone") == pages


def test_comments_turned_off(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, big: FakePost
) -> None:
    fake = big
    before = expected(account, fake)
    set_comments_disabled(account, fake.shortcode)
    assert fake.comments == 0 and fake.comments_disabled and comment_thread(account, fake) == []
    record = media_item(account, fake, rest=True)
    assert record["comments_disabled"] is True and record["comment_count"] == 0
    other = next(p for p in account.posts if p is not fake)
    assert "comments_disabled" not in media_item(account, other) and not other.comments_disabled
    replay.reset_calls()
    post = Post.from_shortcode(loader.context, fake.shortcode)
    assert post.comments == 0 and list(post.get_comments()) == []
    assert replay.counts() == {"post": 1}  # instaloader asks for no comments of a post with none
    answer = loader.context.get_iphone_json(f"api/v1/media/{fake.pk}/comments/", {})
    assert answer["comments"] == [] and answer["comments_disabled"] is True and "next_min_id" not in answer
    with pytest.raises(ValueError, match="off"):
        add_comments(account, fake.shortcode, 1)
    set_comments_disabled(account, fake.shortcode, False)
    assert fake.comments == 80 and expected(account, fake) == before
    assert read_comments(Post.from_shortcode(loader.context, fake.shortcode)) == list(reversed(before))


# --- logins, private accounts and faults ---------------------------------------------------------


def comment_urls(account: FakeAccount, small: FakePost, big: FakePost) -> dict[str, str]:
    """A URL of each comment request kind, as instaloader sends it."""
    parent = next(c for c in comment_thread(account, big) if len(c.replies) > REPLY_PREVIEW)

    def graphql(query_hash: str, variables: dict[str, Any]) -> str:
        encoded = requests.utils.quote(json.dumps(variables, separators=(",", ":")))
        return f"https://www.instagram.com/graphql/query?query_hash={query_hash}&variables={encoded}"

    return {
        "comments": graphql(QUERY_HASH_COMMENTS, {"shortcode": small.shortcode, "first": 12}),
        "comment_replies": graphql(QUERY_HASH_COMMENT_REPLIES, {"comment_id": str(parent.pk), "first": 12}),
        "comments_iphone": f"https://i.instagram.com/api/v1/media/{big.pk}/comments/?can_support_threading=true",
        "child_comments_iphone": (
            f"https://i.instagram.com/api/v1/media/{big.pk}/comments/{parent.pk}/child_comments/?max_id="
        ),
    }


def test_comments_need_a_login(
    replay: InstagramReplay, account: FakeAccount, tmp_path: Path, small: FakePost, big: FakePost
) -> None:
    anonymous = new_loader(tmp_path)
    post = Post.from_shortcode(anonymous.context, small.shortcode)
    with pytest.raises(instaloader.LoginRequiredException):
        post.get_comments()  # instaloader itself does not ask
    replay.reset_calls()
    for kind, url in comment_urls(account, small, big).items():
        answer = requests.get(url, allow_redirects=False)
        assert answer.status_code == 302 and answer.headers["Location"].startswith(
            "https://www.instagram.com/accounts/login/"
        )
        assert (replay.calls[-1].kind, replay.calls[-1].logged_in) == (kind, False)
    assert replay.counts() == dict.fromkeys(COMMENT_KINDS, 1)


@pytest.mark.parametrize("which", ["small", "big"])
def test_expired_session_stops_the_comments(
    replay: InstagramReplay,
    account: FakeAccount,
    loader: instaloader.Instaloader,
    which: str,
    small: FakePost,
    big: FakePost,
) -> None:
    fake = small if which == "small" else big
    post = Post.from_shortcode(loader.context, fake.shortcode)
    replay.expire_sessions()
    with pytest.raises(instaloader.AbortDownloadException, match="login page"):
        list(post.get_comments())
    last = replay.calls[-1]
    assert (last.kind, last.status) == ("comments" if which == "small" else "comments_iphone", 302)


def test_private_account_comments_stay_hidden(tmp_path: Path) -> None:
    private = build_account("itxia_pribatua", 12, seed=2, private=True)
    fake = private.posts[0]
    with InstagramReplay([private], users=USERS) as replay:
        loader = new_loader(tmp_path)
        loader.load_session("researcher", replay.make_session("researcher"))
        answer = loader.context.graphql_query(QUERY_HASH_COMMENTS, {"shortcode": fake.shortcode, "first": 12})
        assert answer["data"]["shortcode_media"] is None
        with pytest.raises(instaloader.QueryReturnedBadRequestException):
            loader.context.get_iphone_json(f"api/v1/media/{fake.pk}/comments/", {})
        private.followed_by.add("researcher")
        answer = loader.context.graphql_query(QUERY_HASH_COMMENTS, {"shortcode": fake.shortcode, "first": 12})
        assert answer["data"]["shortcode_media"]["edge_media_to_parent_comment"]["count"] == fake.comments


@pytest.mark.parametrize("kind", COMMENT_KINDS)
@pytest.mark.parametrize(
    "fault",
    [{"status": 429}, {"exception": requests.ConnectionError("dropped")}, {"status": 500}],
    ids=["429", "dropped", "500"],
)
def test_faults_are_retried(
    replay: InstagramReplay,
    account: FakeAccount,
    loader: instaloader.Instaloader,
    kind: str,
    fault: dict[str, Any],
    small: FakePost,
    big: FakePost,
) -> None:
    fake = big if kind.endswith("iphone") else small
    post = Post.from_shortcode(loader.context, fake.shortcode)
    replay.reset_calls()
    replay.fail(kind, **fault)
    assert read_comments(post) == (
        list(reversed(expected(account, fake))) if kind.endswith("iphone") else expected(account, fake)
    )
    statuses = [c.status for c in replay.calls if c.kind == kind]
    assert statuses[:2] == [fault.get("status"), 200]


@pytest.mark.parametrize("kind", COMMENT_KINDS)
def test_lasting_429_gives_up(
    replay: InstagramReplay,
    account: FakeAccount,
    loader: instaloader.Instaloader,
    kind: str,
    small: FakePost,
    big: FakePost,
) -> None:
    fake = big if kind.endswith("iphone") else small
    post = Post.from_shortcode(loader.context, fake.shortcode)
    replay.reset_calls()
    replay.fail(kind, status=429, times=None)
    with pytest.raises(instaloader.ConnectionException) as caught:
        read_comments(post)
    assert isinstance(caught.value.__cause__, instaloader.TooManyRequestsException)
    assert [c.status for c in replay.calls if c.kind == kind] == [429, 429, 429]


# --- shapes -------------------------------------------------------------------------------------


def recorded(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


@pytest.mark.skipif(
    not RECORDED.is_dir(), reason="recorded Instagram answers (../shared/fixtures) not available"
)
def test_graphql_comment_nodes_have_the_recorded_keys(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, small: FakePost
) -> None:
    fake = small
    answer = loader.context.graphql_query(QUERY_HASH_COMMENTS, {"shortcode": fake.shortcode, "first": 12})
    ours = answer["data"]["shortcode_media"]["edge_media_to_parent_comment"]
    nodes = [e["node"] for e in ours["edges"]]
    replies = [e["node"] for n in nodes for e in n["edge_threaded_comments"]["edges"]]
    assert nodes and replies
    for name in ("media-comments.json", "media-comments-2.json"):
        real_answer = recorded(name)
        assert real_answer.keys() <= answer.keys()
        # Recorded in the older shape (edge_media_to_comment); instaloader asks for the parent comments.
        real = real_answer["data"]["shortcode_media"]["edge_media_to_comment"]
        assert real.keys() <= ours.keys() and real["page_info"].keys() <= ours["page_info"].keys()
        for edge in real["edges"]:
            node = edge["node"]
            for mine in nodes + replies:
                assert node.keys() <= mine.keys()
                assert node["owner"].keys() <= mine["owner"].keys()
                for key in node:
                    assert type(mine[key]) is type(node[key]), key
                for key in node["owner"]:
                    assert type(mine["owner"][key]) is type(node["owner"][key]), key


@pytest.mark.skipif(
    not RECORDED.is_dir(), reason="recorded Instagram answers (../shared/fixtures) not available"
)
def test_iphone_comment_records_have_the_recorded_keys(
    replay: InstagramReplay, account: FakeAccount, loader: instaloader.Instaloader, big: FakePost
) -> None:
    fake = big
    answer = loader.context.get_iphone_json(f"api/v1/media/{fake.pk}/comments/", {})
    records = answer["comments"] + [r for c in answer["comments"] for r in c["preview_child_comments"]]
    for name in ("media.json", "media-2.json", "media-3.json"):
        for real in recorded(name)["items"][0]["comments"]:  # a media record's comments: the same shape
            for mine in records:
                assert real.keys() <= mine.keys()
                assert real["user"].keys() <= mine["user"].keys()
                assert {type(v) for v in (mine["pk"], mine["media_id"], mine["created_at"])} == {int}
