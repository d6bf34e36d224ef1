"""Talking to Instagram, only through instaloader: a context that logs instead of printing, a
loader with the rate controller of ``ratelimit`` (per process, or shared through Redis), and the
turning of instaloader's structures into plain records.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import instaloader
import requests
from instaloader import InstaloaderContext, NodeIterator, Post, Profile

from scraper.config import Settings
from scraper.instagram import ratelimit
from scraper.instagram.ratecontrol import ReportingRateController, WaitCallback
from scraper.records import MediaRecord, PostRecord, ProfileRecord, cleaned

log = logging.getLogger(__name__)

# Instagram lets an account pin up to three posts; they come first, out of date order.
MAX_PINNED = 3
# The posts of a timeline page, as Instagram sends them (each one request, logged in or out).
PAGE_LENGTH = 12
TYPES = {"GraphImage": "image", "GraphVideo": "video", "GraphSidecar": "carousel"}
# Where Instagram sends a login it wants confirmed.
_CHECKPOINT = re.compile(r"^/(challenge|checkpoint|accounts/suspended)(/|$)")
_STATUS = re.compile(r"\b(\d{3}) [A-Za-z]")


class ArchiveContext(InstaloaderContext):
    """instaloader's context, logging to our log instead of the terminal.

    The profile page is loaded once per sync: ``Profile.from_username`` and ``Profile.get_posts``
    both ask for it, and it carries the first page of posts.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: dict[str, list[dict[str, Any]]] = {}

    def log(self, *msg: Any, sep: str = "", end: str = "\n", flush: bool = False) -> None:
        text = sep.join(str(m) for m in msg).strip()
        if text:
            log.debug("instaloader: %s", text)

    def error(self, msg: str, repeat_at_end: bool = True) -> None:
        log.warning("instaloader: %s", msg)

    def get_page_data(self, path: str) -> list[dict[str, Any]]:
        if path not in self._pages:
            data = super().get_page_data(path)
            if not data:
                # Every page of Instagram's embeds query results (a missing account's answers 404), so
                # this is a page cut short or someone else's page (a proxy's, a captive portal's):
                # instaloader would take it for an account that does not exist.
                raise instaloader.BadResponseException(f"The page {path or '/'} carried no data.")
            self._pages[path] = data
        return self._pages[path]

    def _get_page(self, session: requests.Session, path: str) -> str:
        """instaloader's page load, tried again after a broken connection or a 5xx, as its JSON
        queries are (it tries a page once)."""
        for attempt in range(1, self.max_connection_attempts + 1):
            try:
                return super()._get_page(session, path)
            except instaloader.ConnectionException as err:
                if attempt == self.max_connection_attempts or not _transient(err):
                    raise
                log.warning("page /%s: %s [retrying]", path, err)
        raise AssertionError("unreachable")

    def _raise_if_login_redirect(self, resp: requests.Response) -> None:
        """instaloader's check for a redirect to the login page, and also to a checkpoint, which
        it would follow (JSON queries) or report as a bare "302 Found" (pages)."""
        location = resp.headers.get("location", "") if resp.is_redirect else ""
        if _CHECKPOINT.search(urlsplit(location).path):
            raise instaloader.AbortDownloadException(f"checkpoint_required: redirected to {location}")
        super()._raise_if_login_redirect(resp)

    def _web_api_tokens(self) -> dict[str, str]:
        try:
            return super()._web_api_tokens()
        except instaloader.BadResponseException as err:
            # Not about any one post: the sync must stop rather than skip the post it was fetching.
            raise instaloader.ConnectionException(f"Start page unreadable: {err}") from err

    @property
    def rate(self) -> ReportingRateController:
        controller = self._rate_controller
        assert isinstance(controller, ReportingRateController)
        return controller


def _transient(err: instaloader.ConnectionException) -> bool:
    """Whether a failed page load may work when tried again: a broken connection, a timeout, a 5xx."""
    if isinstance(err.__cause__, requests.RequestException):
        return True
    status = _STATUS.match(str(err))
    return status is not None and status.group(1).startswith("5")


def make_loader(
    *,
    settings: Settings,
    sleep: bool | None = None,
    on_wait: WaitCallback | None = None,
    cancel: threading.Event | None = None,
    rate_sleep: Callable[[float], None] | None = None,
    session_file: Path | None = None,
    session_user: str | None = None,
    rate_controller: Callable[..., ReportingRateController] | None = None,
) -> instaloader.Instaloader:
    """An Instaloader that downloads nothing by itself, with an ArchiveContext (logged in if a
    session file is given).

    With ``settings.no_wait`` (SCRAPER_NO_WAIT: tests, the demo and benchmarks replay Instagram),
    instaloader's pauses between requests and its rate-limit waits are recorded, not slept, unless
    ``sleep`` and ``rate_sleep`` say otherwise. ``rate_controller`` is called as
    ReportingRateController is; by default it is the budget shared through the Redis of
    ``settings.rate_store_url`` when there is one (``ratelimit``), else ReportingRateController.
    """
    if rate_controller is None:
        rate_controller = ratelimit.controller_factory(settings.rate_store_url, settings.rate_scope)
    controller = rate_controller
    if sleep is None:
        sleep = not settings.no_wait
    if rate_sleep is None and settings.no_wait:
        rate_sleep = _skip_wait
    loader = instaloader.Instaloader(
        sleep=sleep, quiet=True, download_pictures=False, download_videos=False,
        download_video_thumbnails=False, download_geotags=False, download_comments=False,
        save_metadata=False, compress_json=False,
    )  # fmt: skip
    loader.context = ArchiveContext(
        sleep=sleep,
        quiet=True,
        max_connection_attempts=3,
        request_timeout=60.0,
        rate_controller=lambda ctx: controller(ctx, on_wait=on_wait, cancel=cancel, sleep=rate_sleep),
    )
    if session_file is not None and session_user is not None:
        loader.load_session_from_file(session_user, str(session_file))
    return loader


def _skip_wait(seconds: float) -> None:
    log.info("not waiting %.0f s (SCRAPER_NO_WAIT)", seconds)


def context_of(loader: instaloader.Instaloader) -> ArchiveContext:
    """The loader's ArchiveContext."""
    ctx = loader.context
    assert isinstance(ctx, ArchiveContext)
    return ctx


def timeline(profile: Profile) -> NodeIterator[Post]:
    """The profile's posts, newest first after the pinned ones.

    Logged in, instaloader's own iterator gives complete posts, PAGE_LENGTH to a request. Logged out, its
    iterator asks Instagram once per post while wrapping each timeline node; this one wraps the nodes
    lazily, so a post already stored costs no request (``ensure_full`` fetches the others).
    """
    ctx = profile._context
    if ctx.is_logged_in:
        return profile.get_posts()
    page = ctx.get_page_data(f"{profile.username}/")
    if any((data.get("xig_user_by_username") or {}).get("is_private") for data in page):
        raise instaloader.LoginRequiredException(
            f"Login required to access the posts of private profile {profile.username}."
        )
    user = next(
        (
            data["xig_user_by_username"]
            for data in page
            if "polaris_ordered_timeline_connection" in (data.get("xig_user_by_username") or {})
        ),
        None,
    )
    if user is None:
        raise instaloader.BadResponseException(
            f"The page of profile {profile.username} did not contain its posts."
        )
    # Same query, variables and referer as Profile.get_posts, so a frozen iterator of either thaws here.
    return NodeIterator(
        context=ctx,
        edge_extractor=lambda d: d["data"]["node"]["polaris_ordered_timeline_connection"],
        node_wrapper=lambda n: Post(ctx, {"shortcode": n["code"]}, profile),
        query_variables={"id": user["id"], "__relay_internal__pv__PolarisSEOIsCrawlerrelayprovider": False},
        query_referer=f"https://www.instagram.com/{profile.username}/",
        first_data=user["polaris_ordered_timeline_connection"],
        doc_id="28904005159232689",
        query_hash=None,
        web_api=True,
    )


def counts_on_pages(ctx: InstaloaderContext) -> bool:
    """Whether the timeline pages carry every post's counts (likes, comments): logged in they do, so
    walking them refreshes the counts of stored posts at no cost but the pages."""
    return bool(ctx.is_logged_in)


def is_complete(post: Post) -> bool:
    """Whether the post's data is at hand without another request."""
    node = post._node
    return "iphone_struct" in node or post._full_metadata_dict is not None or "__typename" in node


def ensure_full(post: Post) -> None:
    """Fetch the post's metadata if only its shortcode is known (one API request)."""
    if not is_complete(post):
        post._obtain_metadata()
        # As Post.from_shortcode does: the full metadata becomes the node that properties read.
        post._node = post._full_metadata


def profile_record(profile: Profile) -> ProfileRecord:
    """The ProfileRecord of an instaloader Profile."""
    record = ProfileRecord(
        user_id=profile.userid,
        username=profile.username,
        full_name=profile.full_name or "",
        biography=profile.biography or "",
        external_url=profile.external_url or None,
        is_private=bool(profile.is_private),
        is_verified=bool(profile.is_verified),
        is_business=bool(profile.is_business_account),
        category=profile.business_category_name or None,
        followers=profile.followers,
        followees=profile.followees,
        post_count=profile.mediacount,
        # The URL the profile page gives: asking the iPhone API for a larger one costs a request.
        profile_pic_url=profile.profile_pic_url_no_iphone,
    )
    try:
        return cleaned(record)
    except ValueError as err:
        raise instaloader.BadResponseException(f"Profile {profile.username}: {err}") from None


def _dig(data: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def raw_post(post: Post) -> dict[str, Any]:
    """Everything known of a post without another request: the timeline node, the full metadata
    (media-record shape, as instaloader normalized it) and the iPhone struct, merged."""
    merged: dict[str, Any] = {}
    merged.update(post._node.get("iphone_struct") or {})
    merged.update(post._node)
    merged.update(post._full_metadata_dict or {})
    return merged


def _media_items(raw: dict[str, Any], kind: str) -> tuple[MediaRecord, ...]:
    children = raw.get("carousel_media")
    if kind == "carousel" and children:
        return tuple(_media_from_record(i, child) for i, child in enumerate(children))
    edges = _dig(raw, "edge_sidecar_to_children", "edges")
    if kind == "carousel" and edges:
        return tuple(_media_from_node(i, edge.get("node") or {}) for i, edge in enumerate(edges))
    if raw.get("image_versions2") or raw.get("video_versions"):
        return (_media_from_record(0, raw),)
    return (_media_from_node(0, raw),)


def _media_from_record(position: int, item: dict[str, Any]) -> MediaRecord:
    """A media item in the shape of Instagram's media records (``image_versions2``...)."""
    video = _dig(item, "video_versions", 0, "url")
    return MediaRecord(
        position=position,
        is_video=item.get("media_type") == 2 or video is not None,
        image_url=_first(_dig(item, "image_versions2", "candidates", 0, "url"), item.get("display_url")),
        video_url=video,
        width=_first(item.get("original_width"), _dig(item, "image_versions2", "candidates", 0, "width")),
        height=_first(item.get("original_height"), _dig(item, "image_versions2", "candidates", 0, "height")),
        accessibility_caption=item.get("accessibility_caption"),
    )


def _media_from_node(position: int, node: dict[str, Any]) -> MediaRecord:
    """A media item in the older GraphQL node shape (``display_url``, ``dimensions``)."""
    return MediaRecord(
        position=position,
        is_video=bool(node.get("is_video")),
        image_url=_first(node.get("display_url"), node.get("display_src")),
        video_url=node.get("video_url") if node.get("is_video") else None,
        width=_dig(node, "dimensions", "width"),
        height=_dig(node, "dimensions", "height"),
        accessibility_caption=node.get("accessibility_caption"),
    )


def post_record(post: Post) -> PostRecord:
    """The PostRecord of a complete instaloader Post; never makes a request."""
    raw = raw_post(post)
    kind = TYPES.get(raw.get("__typename") or "", "")
    if not kind:
        kind = {1: "image", 2: "video", 8: "carousel"}.get(raw.get("media_type") or 0, "")
    if not kind:
        raise instaloader.BadResponseException(f"Unknown type of post {post.shortcode}.")
    owner_id = _first(_dig(raw, "owner", "id"), _dig(raw, "user", "pk"), _dig(raw, "user", "id"))
    tagged = [
        _dig(e, "node", "user", "username") for e in _dig(raw, "edge_media_to_tagged_user", "edges") or []
    ]
    tagged += [_dig(t, "user", "username") for t in _dig(raw, "usertags", "in") or []]
    location: dict[str, Any] = raw["location"] if isinstance(raw.get("location"), dict) else {}
    pinned = bool(raw.get("timeline_pinned_user_ids") or raw.get("pinned_for_users"))
    media = _media_items(raw, kind)
    is_video = kind == "video"
    timestamp = _first(raw.get("taken_at_timestamp"), raw.get("date"), raw.get("taken_at"))
    record = PostRecord(
        shortcode=post.shortcode,
        media_id=post.mediaid,
        owner_id=int(owner_id) if owner_id is not None else 0,
        taken_at=datetime.fromtimestamp(int(timestamp), UTC),
        type=kind,
        caption=post.caption,
        hashtags=tuple(dict.fromkeys(post.caption_hashtags)),
        mentions=tuple(dict.fromkeys(post.caption_mentions)),
        tagged_users=tuple(dict.fromkeys(u.lower() for u in tagged if u)),
        location_id=int(loc_id) if (loc_id := _first(location.get("pk"), location.get("id"))) else None,
        location_name=location.get("name"),
        location_lat=location.get("lat"),
        location_lng=location.get("lng"),
        likes=_first(
            _dig(raw, "edge_media_preview_like", "count"),
            raw.get("like_count"),
            _dig(raw, "edge_liked_by", "count"),
        ),
        comments=_first(
            raw.get("comment_count"),
            _dig(raw, "edge_media_to_parent_comment", "count"),
            _dig(raw, "edge_media_to_comment", "count"),
            raw.get("comments") if isinstance(raw.get("comments"), int) else None,
        ),
        video_views=_first(raw.get("video_view_count"), raw.get("view_count")) if is_video else None,
        video_plays=_first(raw.get("video_play_count"), raw.get("play_count")) if is_video else None,
        video_duration=raw.get("video_duration") if is_video else None,
        is_pinned=pinned,
        accessibility_caption=raw.get("accessibility_caption"),
        width=_first(
            raw.get("original_width"), _dig(raw, "dimensions", "width"), media[0].width if media else None
        ),
        height=_first(
            raw.get("original_height"), _dig(raw, "dimensions", "height"), media[0].height if media else None
        ),
        comments_disabled=bool(raw["comments_disabled"]) if "comments_disabled" in raw else None,
        media=media,
    )
    try:
        return cleaned(record)
    except ValueError as err:
        raise instaloader.BadResponseException(f"Post {post.shortcode}: {err}") from None


def page_of(iterator: NodeIterator[Post]) -> int:
    """An id of the timeline page the iterator is on; it changes when a new page is loaded."""
    return id(iterator._data)
