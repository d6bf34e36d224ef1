"""The sections of a group's report: its accounts, engagement per account, comments per account and
the community network (``insights.network``, drawn as the Community page draws it)."""

from __future__ import annotations

import pandas as pd

from insights import comments, community, compare, data, network
from reports.model import Report, Section, Table
from reports.sections import Builder, aware

NETWORK_AROUND = 30
CONNECTORS = 10


class GroupBuilder(Builder):
    """Builds a group's report."""

    def group_report(self, name: str, members: list[str]) -> Report:
        profiles = [p for p in (data.profile_summary(self.session, m) for m in members) if p is not None]
        usernames = [p["username"] for p in profiles]
        posts = self.posts_in_period(usernames)
        syncs = [s for s in (aware(p["last_synced_at"]) for p in profiles) if s is not None]
        last_sync = max(syncs) if syncs else None
        sections = [
            self.members_section(profiles, posts),
            self.growth_section(self.snapshots(usernames)),
            self.frequency_section(posts, last_sync),
            self.group_engagement_section(posts),
            self.top_posts_section(posts),
            self.hashtags_section(posts),
            self.group_comments_section(usernames),
            self.network_section(usernames),
        ]
        title = self.text("report.title.group", group=name)
        return self.finish("group", name, title, posts, last_sync, sections)

    def members_section(self, profiles: list[data.ProfileSummary], posts: pd.DataFrame) -> Section:
        section = Section("members", self.text("report.section.members"))
        counts = posts.groupby("username").size() if not posts.empty else pd.Series(dtype=int)
        rows = [
            [
                "@" + p["username"],
                p["full_name"] or "",
                self.number(p["followers"]),
                self.number(int(counts.get(p["username"], 0))),
                self.when(p["last_synced_at"]),
            ]
            for p in profiles
        ]
        section.tables.append(
            self.table(
                section.title,
                ["account", "name", "followers", "posts", "last_sync"],
                rows,
                "report.formula.followers",
            )
        )
        section.profiles += [self.profile_card(p) for p in profiles]
        if any(p["is_demo"] for p in profiles):
            section.notes.append(self.text("report.demo"))
        return section

    def group_engagement_section(self, posts: pd.DataFrame) -> Section:
        section = self.engagement_section(posts)
        if posts.empty:
            return section
        rates = compare.compare_engagement(posts)
        rows = [
            [
                "@" + str(r.username),
                self.number(r.posts),
                self.percent(r.engagement_rate),
                self.number(r.mean_likes, 1),
                self.number(r.mean_comments, 1),
            ]
            for r in rates.itertuples()
        ]
        section.tables.append(
            self.table(
                section.title,
                ["account", "posts", "engagement_rate", "mean_likes", "mean_comments"],
                rows,
                "report.formula.engagement_rate",
            )
        )
        self.add(
            section,
            self.figure(
                self.text("report.stat.engagement_rate"),
                compare.compare_engagement_chart(rates, self.lang),
                "report.formula.engagement_rate",
            ),
        )
        self.add(
            section,
            self.figure(
                self.text("chart.type"),
                compare.type_mix_chart(compare.type_mix(posts), self.lang),
                "report.formula.type_mix",
            ),
        )
        return section

    def group_comments_section(self, usernames: list[str]) -> Section:
        section = Section("comments", self.text("report.section.comments"))
        rows, total, replies = [], 0, 0
        for username in usernames:
            stats = comments.comment_stats(self.session, username)
            times = self.comment_times(stats.times) if stats is not None else None
            if stats is None or times is None or times.empty:
                continue
            count, answers = int(times["comments"].sum()), int(times["replies"].sum())
            total, replies = total + count, replies + answers
            rows.append(["@" + username, self.number(count), self.number(answers)])
        if not rows:
            section.notes.append(self.text("report.no_comments"))
            return section
        section.stats += [
            self.stat("report.stat.comments", self.number(total), "report.formula.comments"),
            self.stat("report.stat.replies", self.number(replies), "report.formula.comments"),
        ]
        headers = [
            self.text("report.col.account"),
            self.text("report.stat.comments"),
            self.text("report.stat.replies"),
        ]
        section.tables.append(Table(section.title, headers, rows, self.text("report.formula.comments")))
        return section

    def network_section(self, usernames: list[str]) -> Section:
        section = Section("network", self.text("report.section.network"))
        net = network.network(self.session, usernames)
        if not net.edges:
            section.notes.append(self.text("report.no_network"))
            return section
        section.stats += [
            self.stat(
                "report.stat.nodes", self.number(len(net.nodes)), "report.formula.network", top=NETWORK_AROUND
            ),
            self.stat(
                "report.stat.edges", self.number(len(net.edges)), "report.formula.network", top=NETWORK_AROUND
            ),
        ]
        drawn, _hidden = community.shown(net, NETWORK_AROUND)
        self.add(
            section,
            self.figure(
                section.title,
                community.network_chart(drawn, self.lang),
                "report.formula.network",
                top=NETWORK_AROUND,
            ),
        )
        people = network.connectors(net).head(CONNECTORS)
        if not people.empty:
            rows = [[str(r.person), self.number(r.members), str(r.which)] for r in people.itertuples()]
            section.tables.append(
                self.table(section.title, ["person", "members", "which"], rows, "report.formula.connectors")
            )
        return section
