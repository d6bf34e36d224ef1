"""Instagram's answers about the fake accounts, in the shapes that Instagram sends and instaloader 4.16
parses: media records, the profile as each API gives it, timeline pages, a post's comments and their
replies (GraphQL and iPhone API), and the HTML of the start and profile pages.

The shapes follow real recorded answers (media records of ``api/v1/media/{id}/info/``, the
``web_profile_info`` reply, the logged-out start page) and instaloader's parser.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scraper.instagram.fetch import PAGE_LENGTH
from scraper.replay.accounts import (
    VERIFIED_COMMENTERS,
    FakeAccount,
    FakeComment,
    FakeMedia,
    FakePost,
    _low_quality,
    comment_thread,
)

_APP_ID = "936619743392459"
_PRODUCT_TYPES = {"image": "feed", "video": "clips", "carousel": "carousel_container"}


def _with_stp(url: str, stp: str) -> str:
    """The same CDN file in another size variant (Instagram varies the ``stp`` parameter)."""
    parts = urlsplit(url)
    query = [(k, stp if k == "stp" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    if not any(k == "stp" for k, _ in query):
        query.insert(0, ("stp", stp))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _candidates(media: FakeMedia) -> list[dict[str, Any]]:
    """image_versions2.candidates: the original first, then smaller variants of the same file."""
    out = [{"width": media.width, "height": media.height, "url": media.image_url}]
    for width in (640, 320):
        if width < media.width:
            height = round(media.height * width / media.width)
            out.append(
                {
                    "width": width,
                    "height": height,
                    "url": _with_stp(media.image_url, f"dst-jpg_e35_p{width}x{width}_tt6"),
                }
            )
    return out


def _video_versions(media: FakeMedia, pk: int) -> list[dict[str, Any]]:
    """video_versions: the full-size file first, then a smaller one, as in the real records."""
    assert media.video_url is not None
    small = (round(media.width * 0.6), round(media.height * 0.6))
    return [
        {"type": 101, "width": media.width, "height": media.height, "url": media.video_url, "id": f"{pk}1v"},
        {
            "type": 102,
            "width": small[0],
            "height": small[1],
            "url": _low_quality(media.video_url),
            "id": f"{pk}2v",
        },
    ]


def _dash_manifest(media: FakeMedia) -> str | None:
    """A short DASH manifest naming the video file, as video records carry one."""
    if not media.is_video or media.video_url is None:
        return None
    duration = f"PT{media.video_duration or 0:.3f}S"
    url = media.video_url.replace("&", "&amp;")
    return (
        f'<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" minBufferTime="PT1.500S" type="static" '
        f'mediaPresentationDuration="{duration}" profiles="urn:mpeg:dash:profile:isoff-on-demand:2011">'
        f'<Period duration="{duration}"><AdaptationSet segmentAlignment="true" maxWidth="{media.width}" '
        f'maxHeight="{media.height}" maxFrameRate="30"><Representation id="{media.pk or 1}v" '
        f'mimeType="video/mp4" codecs="avc1.64001F" width="{media.width}" height="{media.height}" '
        f'frameRate="30" bandwidth="1200000"><BaseURL>{url}</BaseURL></Representation></AdaptationSet>'
        "</Period></MPD>"
    )


def _mini_user(account: FakeAccount, viewer: str | None) -> dict[str, Any]:
    """The ``user`` of a media record."""
    return {
        "pk": account.user_id,
        "username": account.username,
        "full_name": account.full_name,
        "is_private": account.is_private,
        "profile_pic_url": _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6"),
        "profile_pic_id": f"{account.user_id * 7 % 10**18}_{account.user_id}",
        "friendship_status": {
            "following": viewer in account.followed_by,
            "outgoing_request": False,
            "is_bestie": False,
            "is_restricted": False,
            "is_feed_favorite": False,
        },
        "is_verified": account.is_verified,
        "follow_friction_type": 0,
        "has_anonymous_profile_picture": False,
        "is_unpublished": False,
        "is_favorite": False,
        "latest_reel_media": 0,
        "has_highlight_reels": False,
    }


def _tag_user(username: str) -> dict[str, Any]:
    pk = zlib.crc32(username.encode()) + 10**9
    full_name = username.replace(".", " ").replace("_", " ").title().strip()
    pic = f"https://scontent-mad1-1.cdninstagram.com/v/t51.2885-19/{pk}_n.jpg?stp=dst-jpg_s150x150"
    return {
        "pk": pk, "username": username, "full_name": full_name, "is_private": False, "is_verified": False,
        "follow_friction_type": -1, "profile_pic_id": f"{pk * 3}_{pk}", "profile_pic_url": pic,
    }  # fmt: skip


def _carousel_child(post: FakePost, owner_id: int, media: FakeMedia, rest: bool) -> dict[str, Any]:
    child: dict[str, Any] = {
        "id": f"{media.pk}_{owner_id}",
        "media_type": 2 if media.is_video else 1,
        "image_versions2": {"candidates": _candidates(media)},
        "original_width": media.width,
        "original_height": media.height,
        "accessibility_caption": media.accessibility_caption,
        "video_versions": _video_versions(media, media.pk) if media.is_video else None,
        "video_duration": media.video_duration,
        "is_dash_eligible": 1 if media.is_video else None,
        "video_dash_manifest": _dash_manifest(media),
        "video_codec": "avc1.64001F" if media.is_video else None,
        "number_of_qualities": 2 if media.is_video else None,
        "pk": media.pk,
        "carousel_parent_id": f"{post.pk}_{owner_id}",
        "commerciality_status": "not_commercial",
    }
    return _drop_nulls(child) if rest else child


def _drop_nulls(record: dict[str, Any]) -> dict[str, Any]:
    """The REST API leaves out what the GraphQL API answers with null."""
    return {k: v for k, v in record.items() if v is not None}


def _caption_record(account: FakeAccount, post: FakePost, viewer: str | None) -> dict[str, Any] | None:
    """The caption, as media records and the comments API give it (a comment of type 1)."""
    if post.caption is None:
        return None
    owner = account.user_id
    return {
        "pk": post.pk // 1000 * 7 % 10**17 + 17800000000000000, "user_id": owner, "text": post.caption,
        "type": 1, "created_at": post.taken_at + 1, "created_at_utc": post.taken_at + 1,
        "content_type": "comment", "status": "Active", "bit_flags": 0, "did_report_as_spam": False,
        "share_enabled": False, "user": _mini_user(account, viewer), "is_covered": False,
        "media_id": post.pk, "private_reply_status": 0,
    }  # fmt: skip


def _comment_count(post: FakePost) -> int:
    """The comment count a post's answers report: 0 while comments are off."""
    return 0 if post.comments_disabled else post.comments


def media_item(
    account: FakeAccount, post: FakePost, *, viewer: str | None = None, rest: bool = False
) -> dict[str, Any]:
    """The media record of a post, as in ``xdt_api__v1__media__shortcode__web_info.items[0]``.

    ``rest`` gives the ``api/v1/media/{id}/info/`` flavour, which leaves out null fields.
    """
    owner = account.user_id
    first = post.media[0]
    caption = _caption_record(account, post, viewer)
    location = None
    if post.location is not None:
        loc = post.location
        location = {
            "pk": loc["pk"], "id": str(loc["pk"]), "short_name": loc["name"].split(",")[0],
            "facebook_places_id": loc["pk"], "external_source": "facebook_places", "name": loc["name"],
            "address": "", "city": "", "has_viewer_saved": False, "lng": loc["lng"], "lat": loc["lat"],
            "is_eligible_for_guides": True,
        }  # fmt: skip
    is_video = post.kind == "video"
    item: dict[str, Any] = {
        "taken_at": post.taken_at,
        "pk": post.pk,
        "id": f"{post.pk}_{owner}",
        "device_timestamp": post.taken_at * 1000000 - 13000000,
        "media_type": post.media_type,
        "code": post.shortcode,
        "client_cache_key": base64.b64encode(str(post.pk).encode()).decode() + ".2",
        "filter_type": 0,
        "carousel_media_count": len(post.media) if post.kind == "carousel" else None,
        "carousel_media": (
            [_carousel_child(post, owner, m, rest) for m in post.media] if post.kind == "carousel" else None
        ),
        "can_see_insights_as_brand": False,
        "is_unified_video": False,
        "user": _mini_user(account, viewer),
        "can_viewer_reshare": True,
        "caption_is_edited": False,
        "like_and_view_counts_disabled": False,
        "featured_products_cta": None,
        "commerciality_status": "not_commercial",
        "is_paid_partnership": False,
        "is_visual_reply_commenter_notice_enabled": True,
        "original_media_has_visual_reply_media": False,
        "comment_likes_enabled": True,
        "comment_threading_enabled": True,
        "has_more_comments": _comment_count(post) > 0,
        "next_max_id": None,
        "max_num_visible_preview_comments": 2,
        "preview_comments": [],
        "comments": [],
        "can_view_more_preview_comments": _comment_count(post) > 0,
        "comment_count": _comment_count(post),
        "hide_view_all_comment_entrypoint": False,
        "inline_composer_display_condition": "impression_trigger",
        # A carousel's cover is its first child's image (the REST records leave it out).
        "image_versions2": None if rest and post.kind == "carousel" else {"candidates": _candidates(first)},
        "original_width": first.width,
        "original_height": first.height,
        "like_count": post.likes,
        "has_liked": False,
        "top_likers": [],
        "facepile_top_likers": [],
        "photo_of_you": False,
        "usertags": (
            {
                "in": [
                    {
                        "user": _tag_user(u),
                        "position": [0.3 + 0.1 * i, 0.6],
                        "start_time_in_video_in_sec": None,
                        "duration_in_video_in_sec": None,
                    }
                    for i, u in enumerate(post.tagged_users)
                ]
            }
            if post.tagged_users
            else None
        ),
        "is_organic_product_tagging_eligible": False,
        "is_dash_eligible": 1 if is_video else None,
        "video_dash_manifest": _dash_manifest(first),
        "video_codec": "avc1.64001F" if is_video else None,
        "number_of_qualities": 2 if is_video else None,
        "video_versions": _video_versions(first, post.pk) if is_video else None,
        "has_audio": True if is_video else None,
        "video_duration": first.video_duration if is_video else None,
        "view_count": post.views if is_video else None,
        "play_count": post.plays if is_video else None,
        "caption": caption,
        "accessibility_caption": post.accessibility_caption,
        "location": location,
        "lat": post.location["lat"] if post.location else None,
        "lng": post.location["lng"] if post.location else None,
        "timeline_pinned_user_ids": [owner] if post.pinned else [],
        "can_viewer_save": True,
        "organic_tracking_token": base64.b64encode(f'{{"version":5,"media":"{post.pk}"}}'.encode()).decode(),
        "sharing_friction_info": {"should_have_sharing_friction": False, "bloks_app_url": None},
        "comment_inform_treatment": {"should_have_inform_treatment": False, "text": ""},
        "product_type": _PRODUCT_TYPES[post.kind],
        "is_in_profile_grid": False,
        "profile_grid_control_enabled": False,
        "deleted_reason": 0,
        "integrity_review_decision": "pending",
        "music_metadata": None,
        "title": None,
    }
    if post.comments_disabled:
        item["comments_disabled"] = True
    return _drop_nulls(item) if rest else item


def _profile_fields(account: FakeAccount) -> dict[str, Any]:
    """The profile as the web app's GraphQL queries give it (XDTUserDict)."""
    pk = str(account.user_id)
    return {
        "pk": pk,
        "id": pk,
        "username": account.username,
        "full_name": account.full_name,
        "biography": account.biography,
        "bio_links": (
            [{"url": account.external_url, "title": "", "link_type": "external"}]
            if account.external_url
            else []
        ),
        "external_url": account.external_url,
        "is_private": account.is_private,
        "is_verified": account.is_verified,
        "is_business": account.is_business,
        "is_professional_account": account.is_business,
        "account_type": 2 if account.is_business else 1,
        "category": account.category,
        "follower_count": account.followers,
        "following_count": account.followees,
        "profile_pic_url": _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6"),
        "hd_profile_pic_url_info": {"url": account.profile_pic_url},
        "is_embeds_disabled": False,
        "is_memorialized": False,
        "is_regulated_c18": False,
        "pronouns": [],
        "text_post_app_is_private": False,
        "__typename": "XDTUserDict",
    }


def _profile_page_user(account: FakeAccount) -> dict[str, Any]:
    # The logged-out page counts posts as all_media_count (instaloader's normalizer knows it).
    return {**_profile_fields(account), "all_media_count": account.media_count, "friendship_status": None}


def _friendship(account: FakeAccount, viewer: str) -> dict[str, Any]:
    return {
        "following": viewer in account.followed_by, "followed_by": False, "blocking": False,
        "muting": False, "is_private": account.is_private, "incoming_request": False,
        "outgoing_request": False, "is_bestie": False, "is_restricted": False, "is_feed_favorite": False,
    }  # fmt: skip


def _profile_query_user(account: FakeAccount, viewer: str) -> dict[str, Any]:
    return {
        **_profile_fields(account), "media_count": account.media_count,
        "friendship_status": _friendship(account, viewer), "mutual_followers_count": 0,
        "has_story_archive": None, "latest_reel_media": 0, "is_favorite": False,
    }  # fmt: skip


def _iphone_user(account: FakeAccount) -> dict[str, Any]:
    """``user`` of ``i.instagram.com/api/v1/users/{id}/info/``."""
    return {
        "pk": account.user_id, "pk_id": str(account.user_id), "id": str(account.user_id),
        "strong_id__": str(account.user_id), "username": account.username, "full_name": account.full_name,
        "biography": account.biography, "external_url": account.external_url or "",
        "is_private": account.is_private, "is_verified": account.is_verified,
        "is_business": account.is_business, "category": account.category,
        "follower_count": account.followers, "following_count": account.followees,
        "media_count": account.media_count,
        "profile_pic_url": _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6"),
        "profile_pic_id": f"{account.user_id * 7 % 10**18}_{account.user_id}",
        "hd_profile_pic_url_info": {"url": account.profile_pic_url, "width": 320, "height": 320},
        "hd_profile_pic_versions": [{"width": 320, "height": 320, "url": account.profile_pic_url}],
        "has_anonymous_profile_picture": False, "account_type": 2 if account.is_business else 1,
    }  # fmt: skip


def _web_profile_info_user(account: FakeAccount) -> dict[str, Any]:
    """``data.user`` of ``api/v1/users/web_profile_info/``: the legacy node, as in profile.json."""
    pic_small = _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6")
    empty = {"count": 0, "page_info": {"has_next_page": False, "end_cursor": None}, "edges": []}
    return {
        "biography": account.biography, "blocked_by_viewer": False, "restricted_by_viewer": False,
        "country_block": False, "external_url": account.external_url, "external_url_linkshimmed": None,
        "edge_followed_by": {"count": account.followers}, "fbid": account.page_id,
        "followed_by_viewer": False, "edge_follow": {"count": account.followees}, "follows_viewer": False,
        "full_name": account.full_name, "has_ar_effects": False, "has_clips": True, "has_guides": False,
        "has_channel": False, "has_blocked_viewer": False, "highlight_reel_count": 0,
        "has_requested_viewer": False, "hide_like_and_view_counts": False, "id": str(account.user_id),
        "is_business_account": account.is_business, "is_professional_account": account.is_business,
        "is_embeds_disabled": False, "is_joined_recently": False,
        "business_category_name": account.category, "category_name": account.category,
        "is_private": account.is_private, "is_verified": account.is_verified,
        "edge_mutual_followed_by": {"count": 0, "edges": []}, "profile_pic_url": pic_small,
        "profile_pic_url_hd": account.profile_pic_url, "requested_by_viewer": False,
        "should_show_category": account.is_business, "username": account.username, "pronouns": [],
        "edge_felix_video_timeline": empty,
        "edge_owner_to_timeline_media": {**empty, "count": account.media_count,
                                         "page_info": {"has_next_page": account.media_count > 0,
                                                       "end_cursor": None}},
        "edge_saved_media": empty, "edge_media_collections": empty,
    }  # fmt: skip


def _cursor(account: FakeAccount, post: FakePost) -> str:
    """An end cursor: the id of the last post on the page, so it survives newer posts (like Instagram's)."""
    return f"{post.pk}_{account.user_id}"


def _page(
    account: FakeAccount, after: str | None, length: int = PAGE_LENGTH
) -> tuple[list[FakePost], int, bool]:
    """The posts after the cursor: (page, index of its first post, whether more follow)."""
    posts = account.posts
    start = 0
    if after:
        try:
            pk = int(after.split("_")[0])
        except ValueError:
            pk = None
        if pk is not None:
            start = next((i + 1 for i, p in enumerate(posts) if p.pk == pk), -1)
            if start < 0:  # that post is gone: continue with the older ones
                start = next((i for i, p in enumerate(posts) if not p.pinned and p.pk < pk), len(posts))
    page = posts[start : start + length]
    return page, start, start + length < len(posts)


def _page_info(account: FakeAccount, page: list[FakePost], more: bool) -> dict[str, Any]:
    return {
        "end_cursor": _cursor(account, page[-1]) if page else None,
        "has_next_page": more,
        "has_previous_page": False,
        "start_cursor": None,
    }


def _timeline_node(account: FakeAccount, post: FakePost) -> dict[str, Any]:
    """A post as the logged-out profile page lists it (instaloader reads only ``code``)."""
    return {
        "code": post.shortcode, "pk": str(post.pk), "id": f"{post.pk}_{account.user_id}",
        "taken_at": post.taken_at, "media_type": post.media_type, "product_type": _PRODUCT_TYPES[post.kind],
        "timeline_pinned_user_ids": [account.user_id] if post.pinned else [],
        "like_and_view_counts_disabled": False, "__typename": "XDTMediaDict",
    }  # fmt: skip


def _timeline_connection(account: FakeAccount, page: list[FakePost], more: bool) -> dict[str, Any]:
    return {
        "edges": [{"node": _timeline_node(account, p), "cursor": _cursor(account, p)} for p in page],
        "page_info": _page_info(account, page, more),
    }


def _script(payload: Any) -> str:
    text = json.dumps(payload, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" data-content-len="{len(text)}" data-sjs>{text}</script>\n'


def _preloaded(name: str, data: dict[str, Any]) -> dict[str, Any]:
    """A query result that a page embeds, as the web app's RelayPrefetchedStreamCache receives it."""
    key = f"adp_{name}RelayPreloader_{hashlib.md5(name.encode()).hexdigest()[:20]}"
    result = {
        "__bbox": {
            "complete": True,
            "result": {"data": data, "extensions": {"is_final": True}},
            "sequence_number": 0,
        }
    }
    return {
        "require": [
            [
                "ScheduledServerJS",
                "handle",
                None,
                [{"__bbox": {"require": [["RelayPrefetchedStreamCache", "next", [], [key, result]]]}}],
            ]
        ]
    }


def _defines(lsd: str, dtsg: str | None, user_id: int) -> str:
    uid = str(user_id)
    user_data = {
        "ACCOUNT_ID": uid,
        "USER_ID": uid,
        "NAME": "",
        "SHORT_NAME": None,
        "IS_BUSINESS_PERSON_ACCOUNT": False,
        "HAS_SECONDARY_BUSINESS_PERSON": False,
        "IS_FACEBOOK_WORK_ACCOUNT": False,
        "IS_INSTAGRAM_BUSINESS_PERSON": False,
        "APP_ID": _APP_ID,
        "IS_BUSINESS_DOMAIN": False,
        "NON_FACEBOOK_USER_ID": uid,
        "IG_USER_EIMU": uid,
    }
    defines = [
        ["CurrentUserInitialData", [], user_data, 270],
        ["DTSGInitialData", [], {"token": dtsg} if dtsg else {}, 258],
        ["ISB", [], {}, 330],
        ["LSD", [], {"token": lsd}, 323],
        ["CookieDomain", [], {"domain": "instagram.com"}, 6421],
    ]
    body = json.dumps({"define": defines}, separators=(",", ":"))
    return (
        '<script>requireLazy(["JSScheduler","ServerJS","ScheduledApplyEach"],function(JSScheduler,ServerJS,'
        f"ScheduledApplyEach){{(new ServerJS()).handleWithCustomApplyEach(ScheduledApplyEach,{body});}});"
        "</script>\n"
    )


def _html(title: str, lsd: str, dtsg: str | None, user_id: int, blocks: Iterable[dict[str, Any]]) -> str:
    head = (
        '<!DOCTYPE html><html class="_9dls" lang="es" dir="ltr"><head><meta charset="utf-8" />'
        f'<meta name="robots" content="noarchive, noimageindex" /><title>{title}</title>\n'
    )
    timing = _script({"require": [["qplTimingsServerJS", None, None, ["7164150367282353788", "htmlStart"]]]})
    scripts = "".join(_script(b) for b in blocks)
    return f"{head}{timing}{_defines(lsd, dtsg, user_id)}</head><body>{scripts}</body></html>"


def profile_page_html(account: FakeAccount, *, lsd: str = "AVpkoQVhvlQ") -> str:
    """The logged-out profile page, embedding the profile query and (if public) its first posts."""
    blocks = [
        _preloaded("PolarisProfilePageContentQuery", {"xig_user_by_username": _profile_page_user(account)})
    ]
    if not account.is_private:
        page, _, more = _page(account, None)
        timeline = {
            "id": account.page_id,
            "username": account.username,
            "polaris_ordered_timeline_connection": _timeline_connection(account, page, more),
        }
        blocks.append(
            _preloaded(
                "PolarisLoggedOutDesktopWWWProfilePostsTabContentQuery", {"xig_user_by_username": timeline}
            )
        )
    title = f"{account.full_name} (@{account.username}) • Fotos y vídeos de Instagram"
    return _html(title, lsd, None, 0, blocks)


def start_page_html(*, lsd: str, dtsg: str | None = None, user_id: int = 0) -> str:
    """The start page ``https://www.instagram.com/``; logged in, it carries fb_dtsg and the user id."""
    return _html("Instagram", lsd, dtsg, user_id, [])


# -- comments ------------------------------------------------------------------------------------------

# Replies shown with their comment (GraphQL ``edge_threaded_comments.edges``, iPhone
# ``preview_child_comments``); instaloader asks for the others (all of them) when there are more.
REPLY_PREVIEW = 2
IPHONE_COMMENTS_PAGE = 15  # comments to a page of ``api/v1/media/{id}/comments/``


def _commenter(account: FakeAccount, username: str) -> dict[str, Any]:
    """Who wrote a comment, as the iPhone API gives a comment's ``user``."""
    if username == account.username:
        pk = account.user_id
        full_name, private, verified = account.full_name, account.is_private, account.is_verified
        pic = _with_stp(account.profile_pic_url, "dst-jpg_s150x150_tt6")
    else:
        tag = _tag_user(username)
        pk, full_name, private, pic = tag["pk"], tag["full_name"], False, tag["profile_pic_url"]
        verified = username in VERIFIED_COMMENTERS
    return {
        "pk": pk, "pk_id": str(pk), "username": username, "full_name": full_name, "is_private": private,
        "profile_pic_url": pic, "profile_pic_id": f"{pk * 3}_{pk}", "is_verified": verified,
        "follow_friction_type": -1,
    }  # fmt: skip


def comment_cursor(pk: int) -> str:
    """A cursor after the comment: Instagram's is JSON naming the last comment, base64 in GraphQL."""
    token = base64.b64encode(hashlib.md5(str(pk).encode()).digest() * 2).decode()
    return json.dumps({"cached_comments_cursor": str(pk), "bifilter_token": token})


def _graphql_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(comment_cursor(pk).encode()).decode()


def cursor_comment(cursor: str | None) -> int | None:
    """The comment id a cursor (GraphQL ``after`` or iPhone ``min_id``) names, if it names one."""
    if not cursor:
        return None
    text = cursor
    if not cursor.startswith("{"):
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
            return None
    try:
        return int(json.loads(text)["cached_comments_cursor"])
    except (ValueError, KeyError, TypeError):
        return None


def _older(thread: list[FakeComment], cursor: str | None) -> list[FakeComment]:
    """The top-level comments older than the cursor's (ids grow with time), oldest first."""
    if not cursor:
        return thread
    pk = cursor_comment(cursor)
    return [c for c in thread if pk is not None and c.pk < pk]


def comment_node(account: FakeAccount, comment: FakeComment) -> dict[str, Any]:
    """A comment as the GraphQL comment queries give it; a top-level one embeds its first replies."""
    user = _commenter(account, comment.owner)
    node: dict[str, Any] = {
        "id": str(comment.pk),
        "text": comment.text,
        "created_at": comment.created_at,
        "did_report_as_spam": False,
        "owner": {
            "id": str(user["pk"]),
            "is_verified": user["is_verified"],
            "profile_pic_url": user["profile_pic_url"],
            "username": comment.owner,
        },
        "viewer_has_liked": False,
        "edge_liked_by": {"count": comment.likes},
        "is_restricted_pending": False,
    }
    if comment.parent_pk is None:
        node["edge_threaded_comments"] = replies_connection(account, comment, REPLY_PREVIEW)
    return node


def comments_connection(
    account: FakeAccount, post: FakePost, first: int, after: str | None = None
) -> dict[str, Any]:
    """``shortcode_media.edge_media_to_parent_comment`` (query_hash 97b41c52301f77ce508f55e66d17620e):
    newest page first, each page oldest first, as Instagram pages them; ``count`` with replies."""
    older = _older(comment_thread(account, post), after)
    page = older[-first:] if first > 0 else []
    more = len(older) > len(page)
    return {
        "count": _comment_count(post),
        "page_info": {"has_next_page": more, "end_cursor": _graphql_cursor(page[0].pk) if more else None},
        "edges": [{"node": comment_node(account, c)} for c in page],
    }


def replies_connection(
    account: FakeAccount, comment: FakeComment, first: int, after: str | None = None
) -> dict[str, Any]:
    """``comment.edge_threaded_comments`` (query_hash 51fdd02b67508306ad4484ff574a0b62): the replies,
    oldest first, from the start or after the cursor."""
    pk = cursor_comment(after)
    rest = [r for r in comment.replies if not after or (pk is not None and r.pk > pk)]
    page = rest[: max(first, 0)]
    more = len(rest) > len(page)
    return {
        "count": len(comment.replies),
        "page_info": {"has_next_page": more, "end_cursor": _graphql_cursor(page[-1].pk) if more else None},
        "edges": [{"node": comment_node(account, r)} for r in page],
    }


def iphone_comment(account: FakeAccount, post: FakePost, comment: FakeComment) -> dict[str, Any]:
    """A comment as ``api/v1/media/{id}/comments/`` gives it (the shape of the comments of media
    records); a top-level one has its reply count and first replies, a reply its parent's id."""
    user = _commenter(account, comment.owner)
    record: dict[str, Any] = {
        "pk": comment.pk, "user_id": user["pk"], "text": comment.text,
        "type": 0 if comment.parent_pk is None else 2, "created_at": comment.created_at,
        "created_at_utc": comment.created_at, "content_type": "comment", "status": "Active",
        "bit_flags": 0, "did_report_as_spam": False, "share_enabled": False, "user": user,
        "is_covered": False, "media_id": post.pk, "has_liked_comment": False,
        "comment_like_count": comment.likes, "private_reply_status": 0,
    }  # fmt: skip
    if comment.parent_pk is None:
        record["child_comment_count"] = len(comment.replies)
        record["preview_child_comments"] = [
            iphone_comment(account, post, r) for r in comment.replies[:REPLY_PREVIEW]
        ]
        record["other_preview_users"] = []
        record["inline_composer_display_condition"] = "never"
    else:
        record["parent_comment_id"] = comment.parent_pk
    return record


def iphone_comments_page(account: FakeAccount, post: FakePost, min_id: str | None = None) -> dict[str, Any]:
    """A page of ``api/v1/media/{id}/comments/``: the newest top-level comments first (older ones on
    the next page, from ``next_min_id``, which the last page leaves out)."""
    older = list(reversed(_older(comment_thread(account, post), min_id)))
    page = older[:IPHONE_COMMENTS_PAGE]
    more = len(older) > len(page)
    answer: dict[str, Any] = {
        "comment_likes_enabled": True,
        "comments": [iphone_comment(account, post, c) for c in page],
        "comment_count": _comment_count(post),
        "caption": _caption_record(account, post, None),
        "caption_is_edited": False,
        "has_more_comments": more,
        "has_more_headload_comments": more,
        "threading_enabled": True,
        "media_header_display": "none",
        "initiate_at_top": True,
        "insert_new_comment_to_top": True,
        "preview_comments": [],
        "can_view_more_preview_comments": False,
    }
    if more:
        answer["next_min_id"] = comment_cursor(page[-1].pk)
    if post.comments_disabled:
        answer["comments_disabled"] = True
    answer["status"] = "ok"
    return answer


def iphone_child_comments(account: FakeAccount, post: FakePost, comment: FakeComment) -> dict[str, Any]:
    """``api/v1/media/{id}/comments/{pk}/child_comments/``: all replies of the comment, oldest first
    (instaloader asks once, with an empty ``max_id``)."""
    return {
        "parent_comment": iphone_comment(account, post, comment),
        "child_comments": [iphone_comment(account, post, r) for r in comment.replies],
        "child_comment_count": len(comment.replies),
        "has_more_head_child_comments": False,
        "has_more_tail_child_comments": False,
        "num_head_child_comments": 0,
        "num_tail_child_comments": 0,
        "status": "ok",
    }
