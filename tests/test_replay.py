"""The replay answers Instagram's requests in shapes that instaloader 4.16 really parses."""

from __future__ import annotations

import io
import json
import lzma
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import instaloader
import pytest
import requests
from instaloader import Instaloader, Post, Profile
from PIL import Image

from scraper.replay import (
    FakeAccount,
    FakePost,
    InstagramReplay,
    add_new_posts,
    build_account,
    change_profile_pic,
    delete_post,
    media_item,
)
from tests.helpers import SHARED_FIXTURES

RECORDED = SHARED_FIXTURES / "instagram-web"
USERNAME = "lucia_viajes"


class NoSleep(instaloader.RateController):
    """instaloader's rate controller, without the waiting."""

    def sleep(self, secs: float) -> None:
        pass


def make_loader(target: Path | None = None, **kwargs: Any) -> Instaloader:
    """A quiet Instaloader that never sleeps, saving under target/{target} if given."""
    if target is not None:
        kwargs["dirname_pattern"] = str(target / "{target}")
    return Instaloader(sleep=False, quiet=True, rate_controller=NoSleep, **kwargs)


@pytest.fixture
def account() -> FakeAccount:
    return build_account(USERNAME, 30, seed=3, pinned=1)


@pytest.fixture
def replay(account: FakeAccount) -> Iterator[InstagramReplay]:
    with InstagramReplay(
        [account], users={"yo": "secreto", "dos": "clave"}, two_factor={"dos": "123456"}
    ) as rp:
        yield rp


def check_post(post: Post, fake: FakePost, *, logged_in: bool) -> None:
    """Assert that instaloader read the fake post's data."""
    assert post.shortcode == fake.shortcode
    assert post.mediaid == fake.pk
    assert post.typename == fake.typename
    assert post.caption == fake.caption
    assert post.caption_hashtags == fake.hashtags
    assert post.caption_mentions == fake.mentions
    assert post.likes == fake.likes
    assert post.date_utc == fake.date_utc.replace(tzinfo=None)
    assert post.mediacount == len(fake.media)
    assert post.owner_username == USERNAME
    assert post.accessibility_caption == fake.accessibility_caption
    assert post.get_is_videos() == [m.is_video for m in fake.media]
    if fake.kind == "carousel":
        nodes = list(post.get_sidecar_nodes())
        assert [n.display_url for n in nodes] == [m.image_url for m in fake.media]
        assert [n.video_url for n in nodes] == [m.video_url for m in fake.media]
    if fake.kind == "video":
        assert post.video_view_count == fake.views
        assert post.video_duration == fake.media[0].video_duration
    if logged_in:
        # Read from the media record: Post.comments and Post.tagged_users would each cost a request.
        raw = post._node["iphone_struct"]
        assert raw["comment_count"] == fake.comments
        assert [t["user"]["username"] for t in (raw.get("usertags") or {}).get("in", [])] == fake.tagged_users
        assert post.viewer_has_liked is False
    else:
        assert post.comments == fake.comments
        assert post.tagged_users == fake.tagged_users
        assert post.video_url == (fake.media[0].video_url if fake.kind == "video" else None)
        if fake.kind == "video":
            assert post.video_play_count == fake.plays


# --- the fake accounts --------------------------------------------------------------------------


def test_build_account_is_deterministic_and_mixes_types() -> None:
    a, b = build_account("ana", 30, seed=5, pinned=2), build_account("ana", 30, seed=5, pinned=2)
    assert a == b
    assert build_account("ana", 30, seed=6) != a
    assert Counter(p.kind for p in a.posts) == {"image": 18, "video": 6, "carousel": 6}
    assert [p.pinned for p in a.posts[:3]] == [True, True, False]
    rest = [p.taken_at for p in a.posts[2:]]
    assert rest == sorted(rest, reverse=True) and len(set(rest)) == len(rest)
    gaps = {rest[i] - rest[i + 1] for i in range(len(rest) - 1)}
    assert len(gaps) > 20  # irregular intervals
    for post in a.posts:
        assert post.shortcode == Post.mediaid_to_shortcode(post.pk)
        assert (len(post.media) == 1) == (post.kind != "carousel")
        assert 1 <= len(post.media) <= 5
        assert (post.views is not None) == (post.kind == "video")
    big = build_account("ana", 80, seed=1)
    assert any(p.caption is None for p in big.posts) and any(p.location for p in big.posts)
    assert any(p.tagged_users for p in big.posts) and any(p.hashtags for p in big.posts)
    assert any(m.is_video for p in big.posts if p.kind == "carousel" for m in p.media)
    assert len({p.likes for p in big.posts}) > 60


def test_add_new_posts_goes_after_the_pinned_ones(account: FakeAccount) -> None:
    newest = account.posts[1].taken_at
    new = add_new_posts(account, 5)
    assert account.posts[0].pinned and account.posts[1:6] == new
    assert [p.taken_at for p in new] == sorted((p.taken_at for p in new), reverse=True)
    assert new[-1].taken_at > newest and len(account.posts) == 35
    assert add_new_posts(account, 2)[0].pk not in {p.pk for p in new}


# --- anonymous ----------------------------------------------------------------------------------


def test_anonymous_profile(replay: InstagramReplay, account: FakeAccount) -> None:
    profile = Profile.from_username(make_loader().context, USERNAME.upper())
    assert profile.userid == account.user_id
    assert profile.username == USERNAME
    assert profile.full_name == account.full_name
    assert profile.biography == account.biography
    assert profile.external_url == account.external_url
    assert (profile.followers, profile.followees, profile.mediacount) == (
        account.followers,
        account.followees,
        30,
    )
    assert profile.is_private is False and profile.is_verified == account.is_verified
    assert profile.is_business_account == account.is_business
    assert profile.business_category_name == account.category
    assert profile.profile_pic_url == account.profile_pic_url
    assert replay.counts() == {"profile_page": 1}


def test_anonymous_posts(replay: InstagramReplay, account: FakeAccount) -> None:
    profile = Profile.from_username(make_loader().context, USERNAME)
    posts = list(profile.get_posts())
    assert [p.shortcode for p in posts] == [p.shortcode for p in account.posts]
    for post, fake in zip(posts, account.posts, strict=True):
        check_post(post, fake, logged_in=False)
    # A profile page for from_username and one for get_posts, a start page (LSD token), a query per post,
    # 2 next pages.
    assert replay.counts() == {"profile_page": 2, "start_page": 1, "post": 30, "timeline": 2}
    assert replay.api_requests == 35
    assert all(c.status == 200 and not c.logged_in for c in replay.calls)
    after = [c.variables["after"] for c in replay.calls if c.kind == "timeline" and c.variables]
    assert after == [f"{account.posts[11].pk}_{account.user_id}", f"{account.posts[23].pk}_{account.user_id}"]


def test_anonymous_resume_from_frozen_iterator_after_new_posts(
    replay: InstagramReplay, account: FakeAccount
) -> None:
    context = make_loader().context
    old = [p.shortcode for p in account.posts]
    iterator = Profile.from_username(context, USERNAME).get_posts()
    seen = [next(iterator).shortcode for _ in range(14)]
    frozen = iterator.freeze()
    add_new_posts(account, 4)
    resumed = Profile.from_username(context, USERNAME).get_posts()
    resumed.thaw(frozen)
    assert seen + [p.shortcode for p in resumed][1:] == old


def test_unknown_username(replay: InstagramReplay) -> None:
    with pytest.raises(instaloader.ProfileNotExistsException):
        Profile.from_username(make_loader().context, "nadie_por_aqui")
    assert replay.calls[0].kind == "profile_page" and replay.calls[0].status == 404


def test_private_profile(replay: InstagramReplay) -> None:
    private = build_account("secreta", 15, seed=2, private=True)
    replay.add_account(private)
    profile = Profile.from_username(make_loader().context, "secreta")
    assert profile.is_private and profile.mediacount == 15
    with pytest.raises(instaloader.LoginRequiredException):
        profile.get_posts()
    loader = make_loader()
    loader.login("yo", "secreto")
    with pytest.raises(instaloader.PrivateProfileNotFollowedException):
        Profile.from_username(loader.context, "secreta").get_posts()
    private.followed_by.add("yo")
    posts = list(Profile.from_username(loader.context, "secreta").get_posts())
    assert [p.shortcode for p in posts] == [p.shortcode for p in private.posts]


def test_web_profile_info(replay: InstagramReplay, account: FakeAccount) -> None:
    # A Profile made from a bare node completes itself anonymously from web_profile_info.
    profile = Profile(make_loader().context, {"username": USERNAME, "id": account.user_id})
    assert (profile.followers, profile.mediacount, profile.is_private) == (account.followers, 30, False)
    assert profile.profile_pic_url == account.profile_pic_url
    assert replay.counts() == {"web_profile_info": 1}


# --- logged in ----------------------------------------------------------------------------------


def test_logged_in_posts_same_data_fewer_requests(replay: InstagramReplay, account: FakeAccount) -> None:
    loader = make_loader()
    loader.login("yo", "secreto")
    assert replay.counts() == {"start_page": 1, "login": 1}
    assert loader.test_login() == "yo"
    replay.reset_calls()
    profile = Profile.from_username(loader.context, USERNAME)
    posts = list(profile.get_posts())
    assert [p.shortcode for p in posts] == [p.shortcode for p in account.posts]
    for post, fake in zip(posts, account.posts, strict=True):
        check_post(post, fake, logged_in=True)
    # The profile page, the profile query, the start page again (fb_dtsg of the session), 12 posts a page.
    assert replay.counts() == {
        "profile_page": 1,
        "profile_query": 1,
        "start_page": 1,
        "timeline_logged_in": 3,
    }
    assert all(c.logged_in for c in replay.calls if c.kind != "profile_page")
    assert (profile.mediacount, profile.followers) == (30, account.followers)
    assert replay.api_requests == 6
    # Quirks: these properties are not in the timeline's Post and cost one query each.
    assert posts[1].comments == account.posts[1].comments
    assert posts[1].tagged_users == account.posts[1].tagged_users
    assert replay.count("post") == 1
    video = next(p for p in posts if p.typename == "GraphVideo")
    fake_video = account.post(video.shortcode)
    assert fake_video is not None
    assert video.video_url == fake_video.media[0].video_url  # the larger of both versions, by HEAD
    assert [c.method for c in replay.calls[-2:]] == ["HEAD", "HEAD"]


def test_logged_in_post_and_media_info(replay: InstagramReplay, account: FakeAccount) -> None:
    loader = make_loader()
    loader.login("yo", "secreto")
    replay.reset_calls()
    fake = next(p for p in account.posts if p.kind == "image" and p.location)
    post = Post.from_shortcode(loader.context, fake.shortcode)
    check_post(post, fake, logged_in=False)
    assert post.url == fake.media[0].image_url
    location, expected = post.location, fake.location or {}
    assert location is not None and (location.id, location.name) == (expected["pk"], expected["name"])
    assert replay.counts() == {"post": 1, "media_info_iphone": 1, "location": 1}
    assert "/graphql/query" in replay.calls[0].url


def test_two_factor_login(replay: InstagramReplay) -> None:
    loader = make_loader()
    with pytest.raises(instaloader.TwoFactorAuthRequiredException):
        loader.login("dos", "clave")
    with pytest.raises(instaloader.BadCredentialsException):
        loader.two_factor_login("000000")
    loader.two_factor_login("123456")
    assert loader.context.is_logged_in and loader.test_login() == "dos"
    assert [c.kind for c in replay.calls] == ["start_page", "login", "two_factor", "two_factor", "test_login"]
    assert [c.status for c in replay.calls] == [200, 400, 400, 200, 200]


@pytest.mark.parametrize(
    ("user", "password", "error"),
    [
        ("yo", "mal", instaloader.BadCredentialsException),
        ("nadie", "x", instaloader.LoginException),
    ],
)
def test_bad_login(replay: InstagramReplay, user: str, password: str, error: type[Exception]) -> None:
    loader = make_loader()
    with pytest.raises(error):
        loader.login(user, password)
    assert not loader.context.is_logged_in
    assert make_loader().test_login() is None


def test_session_cookies_and_expiry(replay: InstagramReplay) -> None:
    loader = make_loader()
    loader.load_session("yo", replay.make_session("yo"))
    assert loader.test_login() == "yo"
    replay.expire_sessions()
    assert loader.test_login() is None
    with pytest.raises(instaloader.AbortDownloadException):
        Profile.from_username(loader.context, USERNAME).get_posts()
    assert replay.calls[-1].kind == "profile_query" and replay.calls[-1].status == 302


# --- downloads ----------------------------------------------------------------------------------


def test_download_profiles_fast_update(replay: InstagramReplay, account: FakeAccount, tmp_path: Path) -> None:
    loader = make_loader(tmp_path)
    loader.download_profiles({Profile.from_username(loader.context, USERNAME)}, fast_update=True)
    folder = tmp_path / USERNAME
    first = {p.name for p in folder.iterdir()}
    assert len([n for n in first if n.endswith(".json.xz") and "UTC" in n]) == 30
    assert len([n for n in first if n.endswith("_profile_pic.jpg")]) == 1
    media_files = sum(1 + m.is_video for p in account.posts for m in p.media)
    assert len([n for n in first if n.endswith((".jpg", ".mp4"))]) == media_files + 1
    counts = replay.counts()
    assert counts.pop("cdn") == media_files
    assert counts == {"profile_page": 2, "start_page": 1, "post": 30, "timeline": 2, "profile_pic": 1}
    assert not loader.context.error_log

    replay.reset_calls()
    new = add_new_posts(account, 5)
    loader = make_loader(tmp_path)  # a new run, as the command line would start
    loader.download_profiles({Profile.from_username(loader.context, USERNAME)}, fast_update=True)
    counts = replay.counts()
    assert counts.pop("cdn") == sum(1 + m.is_video for p in new for m in p.media)
    # The pinned post and the 5 new ones are fetched; the first known post after them stops the loop.
    assert counts == {"profile_page": 2, "start_page": 1, "post": 7, "profile_pic": 1}
    second = {p.name for p in folder.iterdir()}
    assert len([n for n in second - first if n.endswith(".json.xz")]) == 5

    replay.reset_calls()
    change_profile_pic(account)
    loader = make_loader(tmp_path)
    loader.download_profiles({Profile.from_username(loader.context, USERNAME)}, fast_update=True)
    assert [n for n in {p.name for p in folder.iterdir()} - second] != []
    assert replay.counts() == {"profile_page": 2, "start_page": 1, "post": 4, "profile_pic": 1}


def test_cdn_files(replay: InstagramReplay, account: FakeAccount) -> None:
    image = next(p for p in account.posts if p.kind == "image").media[0]
    resp = requests.get(image.image_url)
    assert resp.headers["Content-Type"] == "image/jpeg"
    assert int(resp.headers["Content-Length"]) == len(resp.content)
    with Image.open(io.BytesIO(resp.content)) as picture:
        assert picture.format == "JPEG" and max(picture.size) <= 160
        assert abs(picture.size[0] / picture.size[1] - image.width / image.height) < 0.05
    assert requests.get(image.image_url).content == resp.content
    video = next(p for p in account.posts if p.kind == "video").media[0]
    assert video.video_url is not None
    resp = requests.get(video.video_url)
    assert resp.headers["Content-Type"] == "video/mp4" and resp.content[4:8] == b"ftyp"
    head = requests.head(video.video_url)
    assert head.content == b"" and head.headers["Content-Length"] == str(len(resp.content))
    old_pic = requests.get(account.profile_pic_url).content
    change_profile_pic(account)
    assert requests.get(account.profile_pic_url).content != old_pic
    assert requests.get(image.image_url.replace("_n.jpg", "_x.jpg")).status_code == 404
    assert [c.kind for c in replay.calls] == ["cdn"] * 4 + ["profile_pic"] * 2 + ["cdn"]
    assert replay.api_requests == 0


def test_unmatched_requests_are_recorded(replay: InstagramReplay) -> None:
    assert requests.get("https://example.org/nada").status_code == 404
    assert requests.post("https://www.instagram.com/api/graphql", data={"doc_id": "1"}).status_code == 404
    assert [(c.kind, c.status) for c in replay.calls] == [("other", 404), ("other", 404)]
    assert replay.api_requests == 1


# --- faults -------------------------------------------------------------------------------------


def test_429_forever(replay: InstagramReplay) -> None:
    replay.fail("post", status=429, times=None)
    posts = Profile.from_username(make_loader().context, USERNAME).get_posts()
    with pytest.raises(instaloader.ConnectionException) as caught:
        next(posts)
    assert isinstance(caught.value.__cause__, instaloader.TooManyRequestsException)
    assert [c.status for c in replay.calls if c.kind == "post"] == [429, 429, 429]


@pytest.mark.parametrize("how", ["page_limit", "fault"])
def test_next_page_forbidden(account: FakeAccount, how: str) -> None:
    with InstagramReplay([account], anonymous_page_limit=1 if how == "page_limit" else None) as replay:
        if how == "fault":
            replay.fail("timeline", status=403, times=None)
        posts = Profile.from_username(make_loader().context, USERNAME).get_posts()
        got = []
        with pytest.raises(instaloader.ConnectionException, match="403 Forbidden"):
            for post in posts:
                got.append(post.shortcode)
        assert got == [p.shortcode for p in account.posts[:12]]
        assert [c.status for c in replay.calls if c.kind == "timeline"] == [403, 403, 403]


def test_fault_exceptions_are_retried(replay: InstagramReplay, account: FakeAccount) -> None:
    replay.fail("post", exception=requests.ReadTimeout("lento"), after=1, times=2)
    replay.fail("post", status=500, match=lambda r: account.posts[3].shortcode in str(r.body))
    posts = list(Profile.from_username(make_loader().context, USERNAME).get_posts())
    assert len(posts) == 30
    statuses = [c.status for c in replay.calls if c.kind == "post"]
    assert statuses[:4] == [200, None, None, 200] and statuses.count(500) == 1 and len(statuses) == 33
    assert next(c.error for c in replay.calls if c.status is None) == "ReadTimeout('lento')"


@pytest.mark.parametrize(
    ("kind", "fault", "error", "cause", "attempts"),
    [
        ("post", {"status": 404}, instaloader.QueryReturnedNotFoundException, None, 3),
        ("post", {"status": 400}, instaloader.QueryReturnedBadRequestException, None, 1),
        ("post", {"status": 400, "body": '{"message":"checkpoint_required","status":"fail"}'},
         instaloader.AbortDownloadException, None, 1),
        ("post", {"status": 503}, instaloader.ConnectionException, instaloader.ConnectionException, 3),
        ("post", {"exception": requests.ConnectionError("x")}, instaloader.ConnectionException,
         requests.ConnectionError, 3),
        ("post", {"body": "<html>"}, instaloader.ConnectionException, json.JSONDecodeError, 3),
        ("timeline", {"status": 401}, instaloader.ConnectionException, instaloader.ConnectionException, 3),
        ("profile_page", {"status": 500}, instaloader.ConnectionException, None, 1),
        ("profile_page", {"exception": requests.ReadTimeout("x")}, instaloader.ConnectionException,
         requests.ReadTimeout, 1),
        ("start_page", {"exception": requests.ConnectionError("x")}, instaloader.ConnectionException,
         requests.ConnectionError, 1),
    ],
)  # fmt: skip
def test_fault_exception_types(
    replay: InstagramReplay,
    kind: str,
    fault: dict[str, Any],
    error: type[BaseException],
    cause: type[BaseException] | None,
    attempts: int,
) -> None:
    replay.fail(kind, times=None, **fault)
    with pytest.raises(error) as caught:
        list(Profile.from_username(make_loader().context, USERNAME).get_posts())
    assert type(caught.value) is error
    if cause is not None:
        assert isinstance(caught.value.__cause__, cause)
    assert replay.count(kind) == attempts


def test_deleted_post_is_missing(replay: InstagramReplay, account: FakeAccount) -> None:
    gone = delete_post(account, account.posts[5].shortcode)
    with pytest.raises(instaloader.BadResponseException):
        Post.from_shortcode(make_loader().context, gone.shortcode)


# --- shapes -------------------------------------------------------------------------------------


def test_start_page_tokens(replay: InstagramReplay) -> None:
    loader = make_loader()
    tokens = loader.context._web_api_tokens()
    assert set(tokens) == {"lsd", "av"} and tokens["av"] == "0"
    assert loader.context._csrf_token()  # set by the start page: no second request
    loader.login("yo", "secreto")
    tokens = loader.context._web_api_tokens()
    assert set(tokens) == {"lsd", "av", "fb_dtsg"} and tokens["av"] == loader.context.user_id
    assert replay.count("start_page") == 3


def recorded_items() -> list[dict[str, Any]]:
    return [
        json.loads((RECORDED / name).read_text())["items"][0]
        for name in ("media.json", "media-2.json", "media-3.json")
    ]


# Fields of a media record that instaloader 4.16 reads (Post._normalize_post_data, Post.from_iphone_struct).
READ = {
    "code",
    "pk",
    "media_type",
    "taken_at",
    "user",
    "image_versions2",
    "video_versions",
    "video_duration",
    "view_count",
    "play_count",
    "caption",
    "like_count",
    "comment_count",
    "has_liked",
    "carousel_media",
    "usertags",
    "accessibility_caption",
    "location",
    "title",
}


def same_shape(ours: Any, real: Any, where: str) -> None:
    """Every key of the recorded record is in ours, with a value of the same type (null aside)."""
    if isinstance(real, dict):
        assert isinstance(ours, dict), where
        for key, value in real.items():
            assert key in ours, f"{where}.{key}"
            if value is not None and ours[key] is not None:
                same_shape(ours[key], value, f"{where}.{key}")
    elif isinstance(real, list):
        assert isinstance(ours, list), where
        for i, value in enumerate(real if ours else []):
            if isinstance(value, dict):
                # Compare carousel children of the same media_type.
                other = next((o for o in ours if o.get("media_type") == value.get("media_type")), ours[0])
                same_shape(other, value, f"{where}[{i}]")
    else:
        assert isinstance(ours, type(real)) or {type(ours), type(real)} <= {int, float}, where


@pytest.mark.skipif(not RECORDED.is_dir(), reason="recorded Instagram answers not available")
def test_media_record_matches_recorded_shape() -> None:
    fakes = build_account("ana", 60, seed=1)
    carousel_with_video = next(
        p for p in fakes.posts if p.kind == "carousel" and any(m.is_video for m in p.media)
    )
    video_tagged = next(p for p in fakes.posts if p.kind == "video" and p.tagged_users and p.caption)
    carousel = next(p for p in fakes.posts if p.kind == "carousel" and p.caption)
    for real, fake in zip(recorded_items(), [carousel, video_tagged, carousel_with_video], strict=True):
        assert real["media_type"] == fake.media_type
        ignore = {"comments", "preview_comments", "facepile_top_likers"}  # lists of other users' comments
        same_shape(media_item(fakes, fake), {k: v for k, v in real.items() if k not in ignore}, "item")
        rest = media_item(fakes, fake, rest=True)
        assert READ & real.keys() <= rest.keys()
        same_shape(rest, {k: v for k, v in real.items() if k in READ}, "rest")


def test_media_record_nulls_like_graphql(account: FakeAccount) -> None:
    image = next(p for p in account.posts if p.kind == "image" and not p.tagged_users and not p.location)
    item = media_item(account, image)
    assert item["video_versions"] is None and item["carousel_media"] is None
    assert item["usertags"] is None and item["location"] is None
    assert "video_versions" not in media_item(account, image, rest=True)


def test_profile_page_embeds_profile_and_first_page(replay: InstagramReplay, account: FakeAccount) -> None:
    page = make_loader().context.get_page_data(f"{USERNAME}/")
    users = [d["xig_user_by_username"] for d in page if "xig_user_by_username" in d]
    assert len(users) == 2
    assert users[0]["pk"] == str(account.user_id) and "polaris_ordered_timeline_connection" not in users[0]
    timeline = users[1]["polaris_ordered_timeline_connection"]
    assert users[1]["id"] == account.page_id != str(account.user_id)
    assert [e["node"]["code"] for e in timeline["edges"]] == [p.shortcode for p in account.posts[:12]]
    assert timeline["page_info"]["has_next_page"] is True


def test_saved_metadata_loads_back(replay: InstagramReplay, account: FakeAccount, tmp_path: Path) -> None:
    loader = make_loader(tmp_path, download_pictures=False, download_videos=False)
    loader.download_profiles({Profile.from_username(loader.context, USERNAME)}, profile_pic=False)
    saved = sorted((tmp_path / USERNAME).glob("*_UTC.json.xz"))
    assert len(saved) == 30
    node = json.loads(lzma.decompress(saved[-1].read_bytes()))["node"]
    newest = next(p for p in account.posts if not p.pinned)
    assert node["shortcode"] == newest.shortcode
    loaded = instaloader.load_structure_from_file(loader.context, str(saved[-1]))
    assert isinstance(loaded, Post) and loaded.likes == newest.likes
