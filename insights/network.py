"""The network of a set of accounts (a group's members): who they mention, tag and hear from.

Nodes are the members and the people around them; an edge goes from ``source`` to ``target`` with a
``kind`` and a ``weight``:

- ``mention``: the source's captions name ``@target``; the weight is the number of posts.
- ``tag``: the source's posts tag the target; the number of posts.
- ``comment``: the source commented on the target's posts; the number of comments and replies.

Only the members' rows are read (``Post.profile_id`` and ``Comment.profile_id`` among theirs), so an
account outside the set appears only as a person around it (mentioned, tagged, commenting), never
with edges of its own, even when it is stored. What the archive kept counts as it was seen: deleted
posts and, unless ``deleted_comments=False``, comments that vanished from Instagram later (they were
said). Self-loops (an account mentioning itself, answering on its own posts) are dropped. Comments
written under a member's Instagram id count for the member's current name (a renamed member).

Mentions, tags and hashtags are counted from ``post_names``, where the store keeps each name a post
lists once per post, with its account and month. ``post_lists`` counts the three in one statement over
the members' index entries, and the Community page hands that one reading to the network, the shared
hashtags and their months. Parsing the posts' JSON lists instead took a second of CPU for a group's
114,000 posts on PostgreSQL.
Nothing here makes a request.

Written as JSON (``{"nodes": [...], "edges": [...]}``), GEXF or GraphML (networkx's writers, one edge
per source, target and kind). Full names are people's text: the XML writers escape it, and the
characters XML cannot hold (control characters) are left out of the XML formats.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import networkx as nx
import pandas as pd
from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session

from scraper.store.models import Comment, PostName, Profile

Kind = Literal["mention", "tag", "comment"]
KINDS: tuple[Kind, ...] = ("mention", "tag", "comment")
FORMATS = ("json", "gexf", "graphml")
CONNECTOR_COLUMNS = ["person", "members", "which", "weight", "member"]
HASHTAG_COLUMNS = ["hashtag", "members", "posts", "which"]
HASHTAG_MONTH_COLUMNS = ["hashtag", "month", "member", "posts"]
# Names looked up per query (SQLite and PostgreSQL both take far more parameters).
_CHUNK = 500
# What XML 1.0 cannot hold: C0 controls but tab, newline and carriage return; surrogates; U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The kinds of edge read from a JSON list of names on the members' posts.
_LISTED: tuple[Kind, ...] = ("mention", "tag")


@dataclass(frozen=True)
class Edge:
    """``source`` did ``kind`` to ``target``, ``weight`` times (posts, or comments and replies)."""

    source: str
    target: str
    kind: Kind
    weight: int


@dataclass(frozen=True)
class Node:
    """A member or a person around the members, by user name; ``full_name`` and ``followers`` only for
    accounts stored in the archive. The counts are over the network's edges (after its filters)."""

    id: str
    stored: bool
    member: bool
    full_name: str | None = None
    followers: int | None = None
    in_weight: int = 0  # the weights of the edges to it
    out_weight: int = 0  # the weights of the edges from it
    neighbours: int = 0  # the accounts it has an edge to or from


@dataclass(frozen=True)
class Network:
    """Nodes by user name, edges by source, target and kind."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


@dataclass(frozen=True)
class PostLists:
    """What the posts of a set of members name (``post_lists``), each name counted once per post: posts
    per (member's profile id, name) mentioned and tagged, and per (hashtag, member's user name, month
    "YYYY-MM" in UTC)."""

    named: dict[Kind, Counter[tuple[int, str]]]
    hashtags: Counter[tuple[str, str, str]]


def post_lists(session: Session, members: Sequence[str]) -> PostLists:
    """The mentions, tags and hashtags of the posts of the stored accounts ``members``, counted by one
    statement over the members' entries of ``post_names`` (which holds each name once per post), read
    from its index ``ix_post_names_profile`` alone: mentions and tags per account and name, hashtags
    per account, name and month. For a group's 114,000 posts (430,000 names): 0.45-0.7 s on SQLite and
    0.19 s on PostgreSQL, where unfolding the posts' JSON lists took 0.8-0.9 and 1.0-1.3 s."""
    ids = _member_ids(session, members)
    names = {profile_id: name for name, profile_id in ids.items()}
    named: dict[Kind, Counter[tuple[int, str]]] = {kind: Counter() for kind in _LISTED}
    hashtags: Counter[tuple[str, str, str]] = Counter()
    if not ids:
        return PostLists(named, hashtags)
    month = case((PostName.kind == "hashtag", PostName.month), else_=literal(""))
    query = (
        select(PostName.kind, PostName.name, PostName.profile_id, month, func.count())
        .where(PostName.profile_id.in_(list(names)))
        .group_by(PostName.profile_id, PostName.kind, PostName.name, month)
    )
    for kind, value, profile_id, when, count in session.execute(query):
        if kind == "hashtag":
            hashtags[(value, names[profile_id], when)] += count
        elif kind in named:
            named[kind][(profile_id, value)] += count
    return PostLists(named, hashtags)


def network(
    session: Session,
    members: Sequence[str],
    *,
    kinds: Iterable[str] = KINDS,
    min_weight: int = 1,
    deleted_comments: bool = True,
    lists: PostLists | None = None,
) -> Network:
    """The network of the stored accounts ``members`` (user names; names not stored are left out):
    edges of ``kinds`` weighing at least ``min_weight``, every member and the people at their ends.
    ``lists``: ``post_lists`` of the same members, when read already."""
    wanted = _kinds(kinds)
    ids = _member_ids(session, members)
    names = {profile_id: name for name, profile_id in ids.items()}
    weights: dict[tuple[str, str, Kind], int] = defaultdict(int)
    if ids:
        if wanted & set(_LISTED):
            lists = lists or post_lists(session, members)
            for kind in _LISTED:
                if kind in wanted:
                    for (profile_id, target), count in lists.named[kind].items():
                        weights[(names[profile_id], target, kind)] += count
        if "comment" in wanted:
            for owner, owner_id, profile_id, count in _commenters(session, list(names), deleted_comments):
                source = names.get(owner_id, owner) if owner_id is not None else owner
                weights[(source, names[profile_id], "comment")] += count
    edges = sorted(
        (Edge(s, t, k, w) for (s, t, k), w in weights.items() if s != t and w >= min_weight), key=_order
    )
    return Network(nodes=_nodes(session, list(ids), edges), edges=edges)


def filtered(net: Network, *, kinds: Iterable[str] = KINDS, min_weight: int = 1) -> Network:
    """``net`` with only its edges of ``kinds`` weighing at least ``min_weight``, its nodes counted again
    over them: what ``network`` answers with these filters when ``net`` is its answer without any (so
    a filter changed on the Community page reads nothing again)."""
    wanted = _kinds(kinds)
    edges = [e for e in net.edges if e.kind in wanted and e.weight >= min_weight]
    kept = {n.id for n in net.nodes if n.member} | {e.source for e in edges} | {e.target for e in edges}
    return Network(nodes=_counted([n for n in net.nodes if n.id in kept], edges), edges=edges)


def merged(*parts: Network) -> Network:
    """One network of ``parts``, networks of the same members read with different kinds: what
    ``network`` answers with all their kinds (so the kinds can be read at once, on connections of
    their own)."""
    edges = sorted((e for part in parts for e in part.edges), key=_order)
    nodes = {n.id: n for part in parts for n in part.nodes}
    return Network(nodes=_counted([nodes[name] for name in sorted(nodes)], edges), edges=edges)


def _order(edge: Edge) -> tuple[str, str, int]:
    """Edges by source, target and kind (in the order of ``KINDS``)."""
    return edge.source, edge.target, KINDS.index(edge.kind)


def _kinds(kinds: Iterable[str]) -> set[str]:
    wanted = set(kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown edge kinds: {sorted(unknown)}")
    return wanted


def _member_ids(session: Session, members: Sequence[str]) -> dict[str, int]:
    """The profile ids of the stored accounts among ``members``, by user name."""
    rows = session.execute(
        select(Profile.username, Profile.id).where(Profile.username.in_(sorted(set(members))))
    )
    return {name: profile_id for name, profile_id in sorted(rows)}


def _commenters(
    session: Session, profile_ids: list[int], deleted: bool
) -> list[tuple[str, int | None, int, int]]:
    """(author, author's id, member, comments and replies) on the members' posts, the members' own
    comments on their own posts left out."""
    query = (
        select(Comment.owner_username, Comment.owner_id, Comment.profile_id, func.count())
        .join(Profile, Profile.id == Comment.profile_id)
        .where(
            Comment.profile_id.in_(profile_ids),
            Comment.owner_username.is_not(None),
            Comment.owner_username != "",
            Comment.owner_username != Profile.username,
            # Spelled out: a NULL owner id must not make the condition unknown.
            or_(Comment.owner_id.is_(None), Comment.owner_id != Comment.profile_id),
        )
        .group_by(Comment.owner_username, Comment.owner_id, Comment.profile_id)
    )
    if not deleted:
        query = query.where(Comment.deleted_at.is_(None))
    return [
        (str(owner), None if owner_id is None else int(owner_id), int(profile_id), int(count))
        for owner, owner_id, profile_id, count in session.execute(query)
    ]


def _nodes(session: Session, members: list[str], edges: list[Edge]) -> list[Node]:
    """Every member and every account at an end of an edge, with what the archive knows of it."""
    names = sorted({*members, *(e.source for e in edges), *(e.target for e in edges)})
    stored: dict[str, tuple[str, int | None]] = {}
    for start in range(0, len(names), _CHUNK):
        rows = session.execute(
            select(Profile.username, Profile.full_name, Profile.followers).where(
                Profile.username.in_(names[start : start + _CHUNK])
            )
        )
        stored.update({name: (full_name or "", followers) for name, full_name, followers in rows})
    member_set = set(members)
    found = [
        Node(
            id=name,
            stored=name in stored,
            member=name in member_set,
            full_name=stored[name][0] if name in stored else None,
            followers=stored[name][1] if name in stored else None,
        )
        for name in names
    ]
    return _counted(found, edges)


def _counted(nodes: list[Node], edges: list[Edge]) -> list[Node]:
    """``nodes`` with their weights in and out and their neighbours counted over ``edges``."""
    into: dict[str, int] = defaultdict(int)
    out: dict[str, int] = defaultdict(int)
    around: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        out[e.source] += e.weight
        into[e.target] += e.weight
        around[e.source].add(e.target)
        around[e.target].add(e.source)
    return [
        replace(n, in_weight=into[n.id], out_weight=out[n.id], neighbours=len(around[n.id])) for n in nodes
    ]


# What the Community page shows besides the graph.


def connectors(net: Network, *, min_members: int = 2) -> pd.DataFrame:
    """The people who connect most members: those linked to at least ``min_members`` members (they
    comment on their posts, or the members mention or tag them), most members first. Columns: person,
    members (how many), which (their names, comma-separated), weight (of those edges), member (whether
    the person is a member too; a member never counts itself)."""
    is_member = {n.id: n.member for n in net.nodes}
    linked: dict[str, set[str]] = defaultdict(set)
    weight: dict[str, int] = defaultdict(int)
    for e in net.edges:
        person, member = (e.source, e.target) if e.kind == "comment" else (e.target, e.source)
        linked[person].add(member)
        weight[person] += e.weight
    rows = [
        (person, len(which), ", ".join(sorted(which)), weight[person], is_member.get(person, False))
        for person, which in linked.items()
        if len(which) >= min_members
    ]
    rows.sort(key=lambda r: (-r[1], -r[3], r[0]))
    frame = pd.DataFrame(rows, columns=CONNECTOR_COLUMNS)
    return frame.astype(
        {"person": object, "members": "int64", "which": object, "weight": "int64", "member": bool}
    )


def shared_hashtags(
    session: Session, members: Sequence[str], *, min_members: int = 2, lists: PostLists | None = None
) -> pd.DataFrame:
    """The hashtags used by at least ``min_members`` of the stored accounts ``members``, most members
    first: hashtag, members (how many used it), posts (theirs with it), which (comma-separated).
    ``lists``: ``post_lists`` of the same members, when read already."""
    lists = lists or post_lists(session, members)
    users: dict[str, set[str]] = defaultdict(set)
    posts: dict[str, int] = defaultdict(int)
    for (hashtag, username, _month), count in lists.hashtags.items():
        users[hashtag].add(username)
        posts[hashtag] += count  # a post has one author and one month: the counts add up
    found = [
        (hashtag, len(who), posts[hashtag], ", ".join(sorted(who)))
        for hashtag, who in users.items()
        if len(who) >= min_members
    ]
    found.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return _typed(pd.DataFrame(found, columns=HASHTAG_COLUMNS), HASHTAG_COLUMNS)


def hashtag_months(
    session: Session, members: Sequence[str], hashtags: Iterable[str], lists: PostLists | None = None
) -> pd.DataFrame:
    """How the members used ``hashtags`` month by month (UTC): hashtag, month (its first day), member,
    posts; only months with a post, ordered by hashtag, month and member. ``lists``: ``post_lists`` of
    the same members, when read already."""
    wanted = set(hashtags)
    if not wanted:
        return _typed(pd.DataFrame(columns=HASHTAG_MONTH_COLUMNS), HASHTAG_MONTH_COLUMNS)
    lists = lists or post_lists(session, members)
    rows = [
        (hashtag, month, username, count)
        for (hashtag, username, month), count in lists.hashtags.items()
        if hashtag in wanted
    ]
    frame = pd.DataFrame(rows, columns=HASHTAG_MONTH_COLUMNS)
    frame["month"] = pd.to_datetime(frame["month"], format="%Y-%m")
    frame = frame.sort_values(["hashtag", "month", "member"], ignore_index=True)
    return _typed(frame, HASHTAG_MONTH_COLUMNS)


def _typed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    types = {"members": "int64", "posts": "int64", "month": "datetime64[ns]"}
    return frame.astype({c: types.get(c, object) for c in columns})


# Writers.


def to_json(net: Network) -> dict[str, list[dict[str, Any]]]:
    """``{"nodes": [{"id", "stored", "member", ...}], "edges": [{"source", "target", "kind", "weight"}]}``;
    ``full_name`` and ``followers`` only on stored accounts."""
    nodes = []
    for n in net.nodes:
        node: dict[str, Any] = {"id": n.id, "stored": n.stored, "member": n.member}
        if n.stored:
            node.update(full_name=n.full_name, followers=n.followers)
        node.update(in_weight=n.in_weight, out_weight=n.out_weight, neighbours=n.neighbours)
        nodes.append(node)
    edges = [{"source": e.source, "target": e.target, "kind": e.kind, "weight": e.weight} for e in net.edges]
    return {"nodes": nodes, "edges": edges}


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (the writers escape the rest)."""
    return _NOT_XML.sub("", text)


def to_graph(net: Network) -> nx.MultiDiGraph:
    """The network as a networkx MultiDiGraph: one edge per source, target and kind (keyed by the kind,
    with ``kind`` and ``weight``); node attributes as in JSON, text made fit for XML and absent values
    left out (GEXF and GraphML hold no null)."""
    graph = nx.MultiDiGraph()
    for n in net.nodes:
        attributes: dict[str, Any] = {"stored": n.stored, "member": n.member}
        if n.full_name is not None:
            attributes["full_name"] = xml_text(n.full_name)
        if n.followers is not None:
            attributes["followers"] = n.followers
        attributes.update(in_weight=n.in_weight, out_weight=n.out_weight, neighbours=n.neighbours)
        graph.add_node(xml_text(n.id), **attributes)
    for e in net.edges:
        graph.add_edge(xml_text(e.source), xml_text(e.target), key=e.kind, kind=e.kind, weight=e.weight)
    return graph


def serialize(net: Network, format: str) -> bytes:
    """The network as a file of ``format`` (one of FORMATS), UTF-8."""
    if format == "json":
        return (json.dumps(to_json(net), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    if format == "gexf":
        nx.write_gexf(to_graph(net), buffer)
    elif format == "graphml":
        nx.write_graphml(to_graph(net), buffer)
    else:
        raise ValueError(f"unknown format: {format}")
    return buffer.getvalue()
