"""The network of a group: three accounts that mention, tag and comment on each other and on people
around them, and a stored account outside the group, synced with their comments through the replay;
exact nodes, edges and weights, the outsider rule, the filters, the Community page's tables, the
JSON, GEXF and GraphML files read back, and the command line."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import networkx as nx
import pytest
from sqlalchemy import select

from insights import network
from insights.network import Edge
from scraper.__main__ import main
from scraper.archive import Archive
from scraper.errors import ExitCode
from scraper.instagram.login import Login, login
from scraper.replay import FakeAccount, FakeComment, build_account, delete_comment, thread_size
from scraper.store import groups
from scraper.store.models import Profile, utcnow
from tests.databases import Databases
from tests.helpers import replayed, shared_archive

HALL, CLUB, FEST = "town.hall", "town.club", "town.fest"
MEMBERS = [CLUB, FEST, HALL]  # sorted, as groups.members gives them
SHOP = "other.shop"  # stored, outside the group
HOSTILE = "<script>alert(\"x\")</script> & 'q' \x00\x1b\x07 Fest\ttab"

# Per account, per post (newest first): caption, tagged users, comments as (author, replies' authors).
Plan = list[tuple[str | None, list[str], list[tuple[str, list[str]]]]]
PLANS: dict[str, Plan] = {
    HALL: [
        # A reply of the account itself on its own post: a self-loop, dropped.
        (
            "Fiesta con @town.club y @town.fest #fiestas #ermua",
            [CLUB],
            [(CLUB, [HALL, FEST]), ("vecino.uno", [])],
        ),
        ("@town.club otra vez, @town.hall #ermua", ["vecino.uno"], [(SHOP, []), ("vecino.uno", [])]),
        (None, [], []),
    ],
    CLUB: [
        (
            "Partido! @town.hall @vecino.dos #futbol #ermua",
            [HALL, "vecino.dos"],
            [(HALL, []), ("vecino.uno", [CLUB])],
        ),
        ("#fiestas", [], [("vecino.dos", [])]),
        ("Sin palabras.", [], []),
    ],
    FEST: [
        ("Programa @town.hall #fiestas", [HALL], [(CLUB, []), (CLUB, [])]),
        # vecino.uno's comment here is deleted from Instagram after the first sync.
        ("<3", [FEST], [("vecino.uno", []), ("vecino.dos", [])]),
        ("Nada", [], []),
    ],
    SHOP: [  # outside the group: none of this is the group's
        ("Oferta @town.hall @vecino.tres #fiestas #ermua", [CLUB], [(HALL, []), ("vecino.uno", [])]),
    ],
}
# In the order the network gives them: by source, target, then kind as in KINDS.
_EDGES = [
    Edge(CLUB, FEST, "comment", 2),
    Edge(CLUB, HALL, "mention", 1),
    Edge(CLUB, HALL, "tag", 1),
    Edge(CLUB, HALL, "comment", 1),
    Edge(CLUB, "vecino.dos", "mention", 1),
    Edge(CLUB, "vecino.dos", "tag", 1),
    Edge(SHOP, HALL, "comment", 1),
    Edge(FEST, HALL, "mention", 1),
    Edge(FEST, HALL, "tag", 1),
    Edge(FEST, HALL, "comment", 1),
    Edge(HALL, CLUB, "mention", 2),
    Edge(HALL, CLUB, "tag", 1),
    Edge(HALL, CLUB, "comment", 1),
    Edge(HALL, FEST, "mention", 1),
    Edge(HALL, "vecino.uno", "tag", 1),
    Edge("vecino.dos", CLUB, "comment", 1),
    Edge("vecino.dos", FEST, "comment", 1),
    Edge("vecino.uno", CLUB, "comment", 1),
    Edge("vecino.uno", FEST, "comment", 1),  # deleted from Instagram since
    Edge("vecino.uno", HALL, "comment", 2),
]
EDGES = sorted(_EDGES, key=lambda e: (e.source, e.target, network.KINDS.index(e.kind)))


@dataclass
class Seeded:
    archive: Archive
    accounts: dict[str, FakeAccount]


def _planned(name: str, plan: Plan, block: int) -> FakeAccount:
    account = build_account(name, len(plan), seed=block, start=utcnow())
    pk = 17_900_000_000_000_000 + block * 10_000
    for post, (caption, tagged, comments) in zip(account.posts, plan, strict=True):
        post.caption, post.tagged_users, post.thread = caption, tagged, []
        at = post.taken_at
        for owner, replies in comments:
            pk, at = pk + 1, at + 60
            top = FakeComment(pk, owner, f"comentario de {owner}", at, 0)
            for reply_owner in replies:
                pk, at = pk + 1, at + 60
                top.replies.append(FakeComment(pk, reply_owner, "respuesta", at, 0, top.pk))
            post.thread.append(top)
        post.comments = thread_size(post.thread)
    return account


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Seeded]:
    """The four accounts synced logged in with comments; a comment deleted and synced again; the
    group ``town`` of the three. Built once: the tests only read it."""
    with shared_archive(databases, tmp_path_factory.mktemp("network")) as archive:
        accounts = {name: _planned(name, plan, i) for i, (name, plan) in enumerate(PLANS.items())}
        accounts[FEST].full_name = HOSTILE
        with replayed(archive) as (replay, sync):
            saved = login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory())
            researcher = Login("researcher", saved)
            for name, account in accounts.items():
                replay.add_account(account)
                assert sync(name, login=researcher, comments=True, media=False).error is None
            fest = accounts[FEST]
            gone = next(c for c in fest.posts[1].thread or [] if c.owner == "vecino.uno")
            delete_comment(fest, gone.pk)
            assert sync(FEST, login=researcher, comments=True, media=False).error is None
        with archive.sessions() as session:
            groups.add(session, "town", [HALL, CLUB, FEST])
        yield Seeded(archive, accounts)


def _network(seeded: Seeded, **options: object) -> network.Network:
    with seeded.archive.sessions() as session:
        return network.network(session, groups.members(session, "town"), **options)  # type: ignore[arg-type]


def _stored_names(seeded: Seeded) -> dict[str, str]:
    with seeded.archive.sessions() as session:
        return {name: full for name, full in session.execute(select(Profile.username, Profile.full_name))}


def test_edges_count_posts_and_comments_between_the_members_and_the_people_around_them(
    seeded: Seeded,
) -> None:
    found = _network(seeded)

    assert found.edges == EDGES
    assert all(e.source != e.target for e in found.edges)  # self mentions, tags and answers dropped
    names = _stored_names(seeded)
    nodes = {n.id: n for n in found.nodes}
    assert sorted(nodes) == sorted([*MEMBERS, SHOP, "vecino.dos", "vecino.uno"])
    assert {n.id for n in found.nodes if n.member} == set(MEMBERS)
    assert {n.id for n in found.nodes if n.stored} == {*MEMBERS, SHOP}
    for n in found.nodes:
        assert (n.full_name, n.followers is not None) == ((names[n.id], True) if n.stored else (None, False))
    assert nodes[FEST].full_name is not None and "<script>" in nodes[FEST].full_name
    hall = nodes[HALL]
    assert (hall.in_weight, hall.out_weight, hall.neighbours) == (9, 6, 4)


def test_an_account_outside_the_group_has_no_edges_of_its_own(seeded: Seeded) -> None:
    found = _network(seeded)

    # The shop's mentions, tags and the comments on its posts are not the group's: only its comment
    # on a member's post is there.
    assert [e for e in found.edges if SHOP in (e.source, e.target)] == [Edge(SHOP, HALL, "comment", 1)]
    assert "vecino.tres" not in {n.id for n in found.nodes}
    # Out of the group, town.hall too is only a person around it: its comment on a member's post stays,
    # its mentions and tags go.
    with seeded.archive.sessions() as session:
        pair = network.network(session, [CLUB, FEST])
    # The rows read are the two members': their posts' mentions and tags, the comments on their posts.
    assert pair.edges == [e for e in EDGES if (e.target if e.kind == "comment" else e.source) in (CLUB, FEST)]
    assert [e for e in pair.edges if e.source == HALL] == [Edge(HALL, CLUB, "comment", 1)]
    assert {n.id: n.member for n in pair.nodes}[HALL] is False


@pytest.mark.parametrize(
    ("options", "kept"),
    [
        ({"min_weight": 2}, lambda e: e.weight >= 2),
        ({"kinds": ["tag"]}, lambda e: e.kind == "tag"),
        ({"kinds": ["mention", "comment"], "min_weight": 2}, lambda e: e.kind != "tag" and e.weight >= 2),
        ({"deleted_comments": False}, lambda e: e != Edge("vecino.uno", FEST, "comment", 1)),
        ({"min_weight": 3}, lambda e: False),
    ],
    ids=["min-weight", "tags", "both", "without-deleted", "nothing"],
)
def test_filters_keep_the_members_and_the_people_at_the_edges_left(
    seeded: Seeded, options: dict[str, object], kept: Callable[[Edge], bool]
) -> None:
    found = _network(seeded, **options)

    expected = [e for e in EDGES if kept(e)]
    assert found.edges == expected
    assert [n.id for n in found.nodes] == sorted(
        {*MEMBERS, *(e.source for e in expected), *(e.target for e in expected)}
    )
    if "deleted_comments" not in options:
        # The Community page reads the whole network once and filters it: nodes and weights the same.
        whole = _network(seeded, deleted_comments=True)
        assert network.filtered(whole, **options) == found  # type: ignore[arg-type]


def test_kinds_read_apart_merge_into_the_same_network(seeded: Seeded) -> None:
    # The Community page reads the comments and mentions beside the tags, on two connections.
    parts = [_network(seeded, kinds=["comment", "mention"]), _network(seeded, kinds=["tag"])]

    assert network.merged(*parts) == _network(seeded)
    assert network.merged(*reversed(parts)) == _network(seeded)


def test_an_unknown_kind_is_refused(seeded: Seeded) -> None:
    with pytest.raises(ValueError, match="likes"):
        _network(seeded, kinds=["likes"])
    with pytest.raises(ValueError, match="likes"):
        network.filtered(_network(seeded), kinds=["likes"])


def test_the_people_who_connect_most_members(seeded: Seeded) -> None:
    frame = network.connectors(_network(seeded))

    assert frame.to_dict("records") == [
        {"person": "vecino.uno", "members": 3, "which": ", ".join(MEMBERS), "weight": 5, "member": False},
        {"person": CLUB, "members": 2, "which": f"{FEST}, {HALL}", "weight": 6, "member": True},
        {"person": HALL, "members": 2, "which": f"{CLUB}, {FEST}", "weight": 5, "member": True},
        {"person": "vecino.dos", "members": 2, "which": f"{CLUB}, {FEST}", "weight": 4, "member": False},
    ]
    assert list(network.connectors(network.Network()).columns) == network.CONNECTOR_COLUMNS


def test_the_hashtags_of_several_members_and_their_months(seeded: Seeded) -> None:
    with seeded.archive.sessions() as session:
        shared = network.shared_hashtags(session, MEMBERS)
        months = network.hashtag_months(session, MEMBERS, shared["hashtag"])
        assert network.shared_hashtags(session, []).empty

    # The shop's #fiestas and #ermua are not counted: it is not in the group.
    assert shared.to_dict("records") == [
        {"hashtag": "fiestas", "members": 3, "posts": 3, "which": ", ".join(sorted(MEMBERS))},
        {"hashtag": "ermua", "members": 2, "posts": 3, "which": f"{CLUB}, {HALL}"},
    ]
    expected: dict[tuple[str, str, str], int] = {}
    for name in MEMBERS:
        for post in seeded.accounts[name].posts:
            for tag in set(post.hashtags) & {"fiestas", "ermua"}:
                key = (tag, post.date_utc.strftime("%Y-%m"), name)
                expected[key] = expected.get(key, 0) + 1
    assert {
        (r["hashtag"], r["month"].strftime("%Y-%m"), r["member"]): r["posts"]
        for r in months.to_dict("records")
    } == expected
    assert list(months.columns) == network.HASHTAG_MONTH_COLUMNS
    assert months.equals(months.sort_values(["hashtag", "month", "member"], ignore_index=True))


def _as_edges(graph: nx.DiGraph) -> list[Edge]:
    """The edges of a graph read back (a MultiDiGraph, or a DiGraph when no pair has two kinds)."""
    if graph.is_multigraph():
        assert all(key == d["kind"] for _, _, key, d in graph.edges(keys=True, data=True))
    found = [Edge(s, t, d["kind"], int(d["weight"])) for s, t, d in graph.edges(data=True)]
    return sorted(found, key=lambda e: (e.source, e.target, network.KINDS.index(e.kind)))


def test_json_is_the_nodes_and_the_edges(seeded: Seeded) -> None:
    found = _network(seeded)

    data = json.loads(network.serialize(found, "json"))

    assert list(data) == ["nodes", "edges"]
    assert data["edges"] == [
        {"source": e.source, "target": e.target, "kind": e.kind, "weight": e.weight} for e in EDGES
    ]
    names = _stored_names(seeded)
    for node in data["nodes"]:
        assert isinstance(node["stored"], bool) and isinstance(node["member"], bool)
        if node["stored"]:
            assert node["full_name"] == names[node["id"]]  # as stored, control characters escaped by JSON
        else:
            assert "full_name" not in node and "followers" not in node
    assert [n["id"] for n in data["nodes"]] == [n.id for n in found.nodes]


@pytest.mark.parametrize("format", ["gexf", "graphml"])
def test_gexf_and_graphml_open_again_with_the_same_graph_and_names_as_text(
    seeded: Seeded, format: str
) -> None:
    found = _network(seeded)

    data = network.serialize(found, format)
    graph = (
        nx.read_gexf(io.BytesIO(data))
        if format == "gexf"
        else nx.read_graphml(io.BytesIO(data), edge_key_type=str)
    )

    assert sorted(graph.nodes) == [n.id for n in found.nodes]
    assert _as_edges(graph) == EDGES
    names = _stored_names(seeded)
    for n in found.nodes:
        attributes = graph.nodes[n.id]
        assert (attributes["stored"], attributes["member"]) == (n.stored, n.member)
        if n.stored:
            assert attributes["full_name"] == network.xml_text(names[n.id])
            assert int(attributes["followers"]) == n.followers
        else:
            assert "full_name" not in attributes
    assert "\x1b" in names[FEST]  # stored as Instagram gave it
    hostile = graph.nodes[FEST]["full_name"]
    assert hostile.startswith("<script>alert(\"x\")</script> & 'q' ") and hostile.endswith(" Fest\ttab")
    assert not any(c in hostile for c in "\x00\x1b\x07")
    assert b"<script>" not in data  # escaped by the writer: text, never markup


def test_xml_text_leaves_out_only_what_xml_cannot_hold() -> None:
    assert network.xml_text("a\x00b\x1bc\x07d\ufffee\tf\ng\rh ñ 😀 <&>") == "abcde\tf\ng\rh ñ 😀 <&>"


def run(seeded: Seeded, *args: str) -> int:
    settings = seeded.archive.settings
    return main(["network", *args, "--db", settings.db_url, "--media-dir", str(settings.media_dir)])


@pytest.fixture
def cli_logs(seeded: Seeded, monkeypatch: pytest.MonkeyPatch, _restore_logging: None) -> None:
    monkeypatch.setenv("LOG_DIR", str(seeded.archive.settings.log_dir))  # the command line's log file


def test_the_command_line_writes_the_network_to_stdout(
    seeded: Seeded, cli_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(seeded, "--group", "Town") == ExitCode.OK
    assert (
        json.loads(capsys.readouterr().out)["edges"]
        == json.loads(network.serialize(_network(seeded), "json"))["edges"]
    )

    assert run(seeded, "--group", "town", "--kind", "tag", "--kind", "comment", "--min-weight", "2") == 0
    edges = json.loads(capsys.readouterr().out)["edges"]
    assert edges == [
        {"source": e.source, "target": e.target, "kind": e.kind, "weight": e.weight}
        for e in EDGES
        if e.kind in ("tag", "comment") and e.weight >= 2
    ]

    for format in ("gexf", "graphml"):
        assert run(seeded, "--group", "town", "--format", format, "--kind", "mention") == 0
        out = capsys.readouterr().out.encode()
        graph = (
            nx.read_gexf(io.BytesIO(out))
            if format == "gexf"
            else nx.read_graphml(io.BytesIO(out), edge_key_type=str)
        )
        assert _as_edges(graph) == [e for e in EDGES if e.kind == "mention"]


def test_the_command_line_refuses_a_bad_group_name_with_2_and_a_missing_group_with_3(
    seeded: Seeded, cli_logs: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(seeded, "--group", "../etc") == ExitCode.BAD_INPUT
    captured = capsys.readouterr()
    assert "is not a group name" in captured.err and captured.out == ""

    assert run(seeded, "--group", "no-such-group") == ExitCode.NOT_FOUND
    captured = capsys.readouterr()
    assert "no-such-group" in captured.err and captured.out == ""
