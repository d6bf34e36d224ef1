"""The Community page's charts: a group's network laid out with networkx and drawn with Altair, and how
the hashtags its members share are used month by month.

What people wrote (user names, full names, hashtags) reaches the charts only as labels cleaned by
``insights.comments.label`` (no control or format characters, cut short), drawn by Vega as text.
"""

from __future__ import annotations

import math

import altair as alt
import networkx as nx
import pandas as pd

from i18n import t
from insights.charts import title
from insights.comments import label
from insights.network import KINDS, Network

# The same seed every time: a group's network keeps its shape from one rerun to the next.
SEED = 7
# Up to this many nodes, and connected, Kamada-Kawai spreads the nodes more evenly than springs.
KAMADA_KAWAI_NODES = 40
# The biggest nodes labelled besides the members.
LABELLED = 12
# Parallel edges of different kinds between two accounts are drawn side by side, this far apart.
_OFFSET = 0.012
# Mention, tag, comment: apart from each other and from the members' red.
KIND_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c"]


def shown(net: Network, top: int) -> tuple[Network, int]:
    """The members and the ``top`` people around them with most weight (in and out), with the edges
    between them; and how many people around were left out."""
    around = sorted(
        (n for n in net.nodes if not n.member), key=lambda n: (-(n.in_weight + n.out_weight), n.id)
    )
    kept = {n.id for n in net.nodes if n.member} | {n.id for n in around[: max(top, 0)]}
    nodes = [n for n in net.nodes if n.id in kept]
    edges = [e for e in net.edges if e.source in kept and e.target in kept]
    return Network(nodes=nodes, edges=edges), max(len(around) - max(top, 0), 0)


def positions(net: Network, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Where each node goes: Kamada-Kawai for a small connected network, else a spring layout; the
    same network always gets the same drawing."""
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in net.nodes)
    for e in net.edges:
        weight = graph.get_edge_data(e.source, e.target, {}).get("weight", 0)
        graph.add_edge(e.source, e.target, weight=weight + e.weight)
    if len(graph) == 0:
        return {}
    if len(graph) == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    if len(graph) <= KAMADA_KAWAI_NODES and nx.is_connected(graph):
        layout = nx.kamada_kawai_layout(graph)
    else:
        layout = nx.spring_layout(graph, seed=seed, k=2 / math.sqrt(len(graph)), iterations=100)
    return {str(name): (float(x), float(y)) for name, (x, y) in layout.items()}


def node_frame(net: Network, lang: str, where: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """One row per node: name, full name, role, weights, place and whether it gets a label."""
    biggest = {
        n.id
        for n in sorted(net.nodes, key=lambda n: (-(n.in_weight + n.out_weight), n.id))[:LABELLED]
        if n.in_weight + n.out_weight > 0
    }
    rows = [
        {
            "name": label(n.id),
            "full_name": label(n.full_name),
            "role": t("chart.role.member" if n.member else "chart.role.around", lang),
            "in_weight": n.in_weight,
            "out_weight": n.out_weight,
            "weight": n.in_weight + n.out_weight,
            "x": where[n.id][0],
            "y": where[n.id][1],
            "labelled": n.member or n.id in biggest,
        }
        for n in net.nodes
    ]
    columns = ["name", "full_name", "role", "in_weight", "out_weight", "weight", "x", "y", "labelled"]
    return pd.DataFrame(rows, columns=columns)


def edge_frame(net: Network, lang: str, where: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """One row per edge: its ends (labels), kind (translated), weight and the line's two points."""
    rows = []
    for e in net.edges:
        (x, y), (x2, y2) = where[e.source], where[e.target]
        length = math.hypot(x2 - x, y2 - y) or 1.0
        # Beside the line between the two nodes, by kind, so a mention and a comment both show.
        shift = (KINDS.index(e.kind) - 1) * _OFFSET
        dx, dy = -(y2 - y) / length * shift, (x2 - x) / length * shift
        rows.append(
            {
                "source": label(e.source),
                "target": label(e.target),
                "kind": t(f"chart.kind.{e.kind}", lang),
                "weight": e.weight,
                "x": x + dx,
                "y": y + dy,
                "x2": x2 + dx,
                "y2": y2 + dy,
            }
        )
    return pd.DataFrame(rows, columns=["source", "target", "kind", "weight", "x", "y", "x2", "y2"])


def network_chart(net: Network, lang: str) -> alt.LayerChart:
    """Edges as lines coloured by kind and as thick as their weight; nodes as points sized by their
    weight, members apart from the people around them; labels on the members and the biggest nodes."""
    where = positions(net)
    nodes, edges = node_frame(net, lang, where), edge_frame(net, lang, where)
    x = alt.X("x:Q", axis=None, scale=alt.Scale(zero=False, padding=30))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(zero=False, padding=30))
    kinds = [t(f"chart.kind.{k}", lang) for k in KINDS]
    roles = [t("chart.role.member", lang), t("chart.role.around", lang)]
    lines = (
        alt.Chart(edges)
        .mark_rule(opacity=0.6)
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            color=alt.Color(
                "kind:N", scale=alt.Scale(domain=kinds, range=KIND_COLORS), title=t("chart.kind", lang)
            ),
            strokeWidth=alt.StrokeWidth(
                "weight:Q", scale=alt.Scale(range=[1, 6]), title=t("chart.weight", lang), legend=None
            ),
            tooltip=[
                alt.Tooltip("source:N", title=t("chart.source", lang)),
                alt.Tooltip("target:N", title=t("chart.target", lang)),
                alt.Tooltip("kind:N", title=t("chart.kind", lang)),
                alt.Tooltip("weight:Q", title=t("chart.weight", lang)),
            ],
        )
    )
    points = (
        alt.Chart(nodes)
        .mark_point(filled=True, opacity=0.9, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("weight:Q", scale=alt.Scale(range=[40, 900]), title=t("chart.weight", lang)),
            fill=alt.Fill(
                "role:N",
                scale=alt.Scale(domain=roles, range=["#d62728", "#7f7f7f"]),
                title=t("chart.role", lang),
            ),
            shape=alt.Shape(
                "role:N",
                scale=alt.Scale(domain=roles, range=["diamond", "circle"]),
                title=t("chart.role", lang),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("chart.col.person", lang)),
                alt.Tooltip("full_name:N", title=t("chart.full_name", lang)),
                alt.Tooltip("role:N", title=t("chart.role", lang)),
                alt.Tooltip("in_weight:Q", title=t("chart.in_weight", lang)),
                alt.Tooltip("out_weight:Q", title=t("chart.out_weight", lang)),
            ],
        )
    )
    names = (
        alt.Chart(nodes[nodes["labelled"]])
        .mark_text(dy=-14, fontSize=11, limit=200)
        .encode(x=x, y=y, text="name:N")
    )
    return (
        alt.layer(lines, points, names)
        .resolve_scale(color="independent", size="independent", strokeWidth="independent")
        .properties(height=560, title=title("chart.network", lang))
    )


def hashtag_months_chart(frame: pd.DataFrame, hashtag: str, lang: str) -> alt.Chart:
    """The members' posts with ``hashtag`` per month, stacked by member."""
    data = frame[frame["hashtag"] == hashtag].assign(member=lambda f: f["member"].map(label))
    data = data[["month", "member", "posts"]]
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title=t("chart.period.month", lang)),
            y=alt.Y("sum(posts):Q", title=t("chart.posts", lang)),
            color=alt.Color("member:N", title=t("chart.account", lang)),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=t("chart.period.month", lang)),
                alt.Tooltip("member:N", title=t("chart.account", lang)),
                alt.Tooltip("posts:Q", title=t("chart.posts", lang)),
            ],
        )
        .properties(height=300, title=title("chart.hashtag_months", lang, hashtag=label(hashtag)))
    )
