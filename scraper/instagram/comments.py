"""Reading a post's comments and replies through the endpoints instaloader 4.16 uses, without the
request it would spend first.

``Post.get_comments()`` on a post built from a timeline page first fetches that post's metadata (one
request per post) only to learn how many comments it has and which endpoint to ask. The sync already
knows the count (the timeline pages carry it), so this module asks the same endpoints directly,
through instaloader's own request code (``graphql_query`` through ``NodeIterator``,
``get_iphone_json``) and so through its rate controller:

- at most 12 comments: the GraphQL comments query, 12 top-level comments a page, each with a preview
  of its replies; the rest of a thread's replies through the threaded-comments query;
- more: the iPhone API's pages of comments (``min_id``), and ``child_comments`` for a thread whose
  replies are not all in its preview.

A read may stop early (``limit``): it then returns where to go on, and a later read continues there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from instaloader import InstaloaderContext, NodeIterator, QueryReturnedNotFoundException

from scraper.records import CommentRecord, cleaned

log = logging.getLogger(__name__)

# instaloader 4.16's query hashes (structures.py, Post.get_comments).
COMMENTS_QUERY = "97b41c52301f77ce508f55e66d17620e"
REPLIES_QUERY = "51fdd02b67508306ad4484ff574a0b62"
# A post with more comments than a GraphQL page is read through the iPhone API, as instaloader does.
GRAPHQL_PAGE = NodeIterator.page_length()


@dataclass
class CommentRead:
    """The comments and replies read from one post in one go."""

    comments: list[CommentRecord] = field(default_factory=list)
    complete: bool = False  # read to the last page
    cursor: str | None = None  # where to go on when not complete
    from_start: bool = True  # began at the first page: complete then means every comment was seen
    # Threads whose replies were not read again: the archive holds as many as Instagram counts.
    known_threads: set[int] = field(default_factory=set)

    @property
    def full(self) -> bool:
        """Every comment there is was seen in this read, so one not seen is gone."""
        return self.complete and self.from_start


def read_comments(
    context: InstaloaderContext,
    shortcode: str,
    media_id: int,
    count: int,
    *,
    cursor: str | None = None,
    limit: int | None = None,
    replies_stored: Mapping[int, int] | None = None,
) -> CommentRead:
    """The comments and replies of the post ``shortcode`` (``media_id``), which the timeline said has
    ``count`` of them; from ``cursor`` where an earlier read stopped. At most about ``limit`` are read
    (checked after each page: a page is never cut); the rest is left for a later read at the
    returned ``cursor``. A post with no comment costs no request.

    ``replies_stored``: how many replies of each comment the archive holds. A thread with as many
    replies as that, whose preview does not show them all, is not asked for again (its id goes to
    ``known_threads``): a reply deleted and another written between two reads go unnoticed until
    its count moves.

    Raises instaloader's QueryReturnedNotFoundException for a post that is gone."""
    if count <= 0 and cursor is None:
        return CommentRead(complete=True)
    known = replies_stored or {}
    if count <= GRAPHQL_PAGE and cursor is None:
        return _read_graphql(context, shortcode, known)
    return _read_iphone(context, media_id, cursor, limit, known)


def _time(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value), UTC)


def _owner(user: dict[str, Any] | None) -> tuple[int | None, str | None]:
    if not user:
        return None, None
    user_id = user.get("id", user.get("pk"))
    return (int(user_id) if user_id is not None else None), user.get("username")


def _from_node(node: dict[str, Any], parent_id: int | None) -> CommentRecord:
    """A comment of the GraphQL shape (``edge_media_to_parent_comment`` and threaded comments)."""
    owner_id, owner = _owner(node.get("owner"))
    return cleaned(
        CommentRecord(
            id=int(node["id"]),
            parent_id=parent_id,
            owner_id=owner_id,
            owner=owner,
            text=node.get("text") or "",
            created_at=_time(node["created_at"]),
            likes=(node.get("edge_liked_by") or {}).get("count"),
        )
    )


def _from_iphone(item: dict[str, Any], parent_id: int | None) -> CommentRecord:
    """A comment of the iPhone API's shape."""
    owner_id, owner = _owner(item.get("user"))
    return cleaned(
        CommentRecord(
            id=int(item["pk"]),
            parent_id=parent_id,
            owner_id=owner_id,
            owner=owner,
            text=item.get("text") or "",
            created_at=_time(item["created_at"]),
            likes=item.get("comment_like_count"),
        )
    )


def _parent_comments(data: dict[str, Any]) -> dict[str, Any]:
    media = data["data"]["shortcode_media"]
    if media is None:  # the post is gone, or its account turned private
        raise QueryReturnedNotFoundException("The post's comments are not there.")
    return media["edge_media_to_parent_comment"]


def _read_graphql(context: InstaloaderContext, shortcode: str, known: Mapping[int, int]) -> CommentRead:
    referer = f"https://www.instagram.com/p/{shortcode}/"
    top: Iterator[dict[str, Any]] = NodeIterator(
        context, COMMENTS_QUERY, _parent_comments, lambda node: node, {"shortcode": shortcode}, referer
    )
    read = CommentRead()
    for node in top:
        comment = _from_node(node, None)
        read.comments.append(comment)
        read.comments.extend(_graphql_replies(context, node, comment.id, referer, known, read))
    read.complete = True
    return read


def _graphql_replies(
    context: InstaloaderContext,
    node: dict[str, Any],
    parent_id: int,
    referer: str,
    known: Mapping[int, int],
    read: CommentRead,
) -> Iterator[CommentRecord]:
    thread = node.get("edge_threaded_comments") or {}
    edges = thread.get("edges") or []
    if not thread.get("count"):
        return
    if thread["count"] == len(edges):  # the preview holds every reply
        yield from (_from_node(edge["node"], parent_id) for edge in edges)
        return
    if known.get(parent_id) == thread["count"]:
        read.known_threads.add(parent_id)
        yield from (_from_node(edge["node"], parent_id) for edge in edges)
        return
    replies: Iterator[dict[str, Any]] = NodeIterator(
        context,
        REPLIES_QUERY,
        lambda d: d["data"]["comment"]["edge_threaded_comments"],
        lambda reply: reply,
        {"comment_id": str(node["id"])},
        referer,
    )
    yield from (_from_node(reply, parent_id) for reply in replies)


def _read_iphone(
    context: InstaloaderContext,
    media_id: int,
    cursor: str | None,
    limit: int | None,
    known: Mapping[int, int],
) -> CommentRead:
    path = f"api/v1/media/{media_id}/comments/"
    read = CommentRead(from_start=cursor is None)
    while True:
        params = {"can_support_threading": "true", "permalink_enabled": "false"}
        if cursor is not None:
            params["min_id"] = cursor
        page = context.get_iphone_json(path, params)
        for item in page.get("comments") or []:
            comment = _from_iphone(item, None)
            read.comments.append(comment)
            read.comments.extend(_iphone_replies(context, media_id, item, comment.id, known, read))
        cursor = page.get("next_min_id") or None
        if cursor is None:
            read.complete = True
            return read
        if limit is not None and len(read.comments) >= limit:
            read.cursor = cursor
            return read


def _iphone_replies(
    context: InstaloaderContext,
    media_id: int,
    item: dict[str, Any],
    parent_id: int,
    known: Mapping[int, int],
    read: CommentRead,
) -> list[CommentRecord]:
    count = item.get("child_comment_count") or 0
    preview = item.get("preview_child_comments") or []
    if count == 0:
        return []
    if count == len(preview):
        return [_from_iphone(child, parent_id) for child in preview]
    if known.get(parent_id) == count:
        read.known_threads.add(parent_id)
        return [_from_iphone(child, parent_id) for child in preview]
    answer = context.get_iphone_json(
        f"api/v1/media/{media_id}/comments/{item['pk']}/child_comments/", {"max_id": ""}
    )
    return [_from_iphone(child, parent_id) for child in answer.get("child_comments") or []]
