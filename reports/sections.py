"""The sections of a report, read through ``insights`` (the frames and chart builders the dashboard's
pages use): the profile, follower growth, posting frequency, engagement, top posts, hashtags and
comments of an account; ``reports.group`` adds a group's own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.orm import Session

from i18n import format_date, format_datetime, format_number, format_percent, t
from insights import captions, comments, compare, data, engagement, frequency
from insights.charts import local_times
from reports.drawing import PICTURE_PIXELS, THUMB_PIXELS, embedded, to_svg
from reports.model import Figure, Kind, Period, PostCard, ProfileCard, Report, Section, Stat, Table
from scraper.errors import AccountNotFound

TOP_POSTS = 6
TOP_HASHTAGS = 15
TOP_COMMENTERS = 10
CAPTION_CHARACTERS = 280
# Beyond this many weeks, posts are counted per month: weekly bars would be hairlines.
WEEKS_AT_MOST = 40


def aware(value: datetime | None) -> datetime | None:
    """A stored time (UTC, naive on SQLite) as an aware UTC datetime."""
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Builder:
    """Builds an account's report (``reports.group.GroupBuilder`` a group's); holds what every section
    needs."""

    def __init__(
        self, session: Session, media_dir: Path, lang: str, period: Period, made_at: datetime
    ) -> None:
        self.session = session
        self.media_dir = media_dir
        self.lang = lang
        self.period = period
        self.tz = period.tz
        self.made_at = made_at
        self.formulas: dict[str, str] = {}  # formula -> the label it was first given

    # Shared pieces.

    def text(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def stat(self, label_key: str, value: str, formula_key: str, **params: object) -> Stat:
        stat = Stat(self.text(label_key), value, self.text(formula_key, **params))
        self.formulas.setdefault(stat.formula, stat.label)
        return stat

    def figure(self, label: str, chart: Any, formula_key: str, **params: object) -> Figure | None:
        svg = to_svg(chart, self.lang)
        if svg is None:
            return None
        found = Figure(label, svg, self.text(formula_key, **params))
        self.formulas.setdefault(found.formula, label)
        return found

    def table(self, label: str, columns: Sequence[str], rows: list[list[str]], formula_key: str) -> Table:
        found = Table(label, [self.text(f"report.col.{c}") for c in columns], rows, self.text(formula_key))
        self.formulas.setdefault(found.formula, label)
        return found

    def number(self, value: object, decimals: int = 0) -> str:
        """A count or mean for people of the report's language; "—" when unknown."""
        if value is None or pd.isna(value):
            return "—"
        number = float(value)  # type: ignore[arg-type]
        return format_number(round(number, decimals) if decimals else round(number), self.lang, decimals)

    def percent(self, value: object) -> str:
        if value is None or pd.isna(value):
            return "—"
        return format_percent(float(value), self.lang, 2)  # type: ignore[arg-type]

    def when(self, value: datetime | None) -> str:
        if value is None or pd.isna(value):
            return "—"
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return format_datetime(aware.astimezone(ZoneInfo(self.tz)), self.lang, "medium")

    def day(self, value: date) -> str:
        return format_date(value, self.lang, "long")

    def posts_in_period(self, usernames: list[str]) -> pd.DataFrame:
        frame = data.posts_frame(self.session, usernames)
        return data.filter_posts(frame, start=self.period.since, end=self.period.until, tz=self.tz)

    def in_period(self, times: pd.Series) -> pd.Series:
        """Which of the UTC ``times`` fall on the period's days (in its time zone)."""
        days = local_times(times, self.tz).dt.normalize()
        keep = pd.Series(True, index=times.index)
        if self.period.since is not None:
            keep &= days >= pd.Timestamp(self.period.since)
        if self.period.until is not None:
            keep &= days <= pd.Timestamp(self.period.until)
        return keep

    def period_end(self, last_sync: datetime | None) -> datetime:
        """Where the period stops for pauses: the end of its last day, or the last sync (later posts
        are unknown)."""
        end = aware(last_sync) or self.made_at
        if self.period.until is not None:
            day_end = datetime.combine(self.period.until + timedelta(days=1), time(), ZoneInfo(self.tz))
            end = min(end, day_end.astimezone(UTC))
        return end

    def period_text(self, posts: pd.DataFrame) -> str:
        since, until = self.period.since, self.period.until
        if since is not None or until is not None:
            return self.text(
                "report.period",
                since=self.day(since) if since else self.text("report.period.open"),
                until=self.day(until) if until else self.text("report.period.now"),
            )
        if posts.empty:
            return self.text("report.period.empty")
        days = local_times(posts["taken_at"], self.tz)
        return self.text(
            "report.period.all", since=self.day(days.min().date()), until=self.day(days.max().date())
        )

    def finish(
        self,
        kind: Kind,
        subject: str,
        title: str,
        posts: pd.DataFrame,
        last_sync: datetime | None,
        sections: list[Section],
    ) -> Report:
        data_time = (
            self.text("report.data_time", when=self.when(last_sync))
            if last_sync is not None
            else self.text("report.never_synced")
        )
        return Report(
            kind=kind,
            subject=subject,
            lang=self.lang,
            tz=self.tz,
            title=title,
            period=self.period_text(posts),
            data_time=data_time,
            made=self.text("report.made", when=self.when(self.made_at), tz=self.tz),
            sections=sections,
            formulas=[(label, formula) for formula, label in self.formulas.items()],
            labels={
                "page": self.text("report.page"),
                "likes": self.text("report.post.likes"),
                "comments": self.text("report.post.comments"),
                "engagement": self.text("report.section.engagement"),
                "deleted": self.text("report.post.deleted"),
                "formulas": self.text("report.section.formulas"),
            },
            made_at=self.made_at,
            since=self.period.since,
            until=self.period.until,
        )

    # One account.

    def account_report(self, raw_username: str) -> Report:
        profile = data.profile_summary(self.session, raw_username)
        if profile is None:
            raise AccountNotFound("error.not_stored", user=raw_username)
        username = profile["username"]
        posts = self.posts_in_period([username])
        snapshots = self.snapshots([username])
        last_sync = aware(profile["last_synced_at"])
        sections = [
            self.profile_section(profile),
            self.growth_section(snapshots),
            self.frequency_section(posts, last_sync),
            self.engagement_section(posts),
            self.top_posts_section(posts),
            self.hashtags_section(posts),
            self.comments_section(username),
        ]
        title = self.text("report.title.account", user=username)
        return self.finish("account", username, title, posts, last_sync, sections)

    def snapshots(self, usernames: list[str]) -> pd.DataFrame:
        frame = data.snapshots_frame(self.session, usernames)
        return frame[self.in_period(frame["taken_at"])] if not frame.empty else frame

    def profile_section(self, profile: data.ProfileSummary) -> Section:
        section = Section("profile", self.text("report.section.profile"))
        section.profiles.append(self.profile_card(profile))
        section.stats += [
            self.stat("report.stat.followers", self.number(profile["followers"]), "report.formula.followers"),
            self.stat("report.stat.followees", self.number(profile["followees"]), "report.formula.followers"),
            self.stat(
                "report.stat.post_count", self.number(profile["post_count"]), "report.formula.followers"
            ),
        ]
        if profile["is_demo"]:
            section.notes.append(self.text("report.demo"))
        return section

    def profile_card(self, profile: data.ProfileSummary) -> ProfileCard:
        return ProfileCard(
            username=profile["username"],
            full_name=profile["full_name"] or "",
            biography=profile["biography"] or "",
            external_url=profile["external_url"],
            picture=embedded(self.media_dir, profile["profile_pic_file"], PICTURE_PIXELS),
            is_demo=profile["is_demo"],
        )

    def growth_section(self, snapshots: pd.DataFrame) -> Section:
        section = Section("growth", self.text("report.section.growth"))
        counted = snapshots[snapshots["followers"].notna()]
        per_account = counted.groupby("username").size() if not counted.empty else pd.Series(dtype=int)
        if per_account.empty or per_account.max() < 2:
            section.notes.append(self.text("report.formula.growth_one"))
            return section
        if counted["username"].nunique() == 1:
            change = int(counted["followers"].iloc[-1]) - int(counted["followers"].iloc[0])
            sign = "+" if change > 0 else ""
            section.stats.append(
                self.stat(
                    "report.stat.follower_change",
                    sign + self.number(change),
                    "report.formula.follower_change",
                )
            )
        chart = engagement.follower_growth_chart(counted, self.lang)
        self.add(section, self.figure(section.title, chart, "report.formula.growth"))
        return section

    def frequency_section(self, posts: pd.DataFrame, last_sync: datetime | None) -> Section:
        section = Section("frequency", self.text("report.section.frequency"))
        end = self.period_end(last_sync)
        section.stats.append(self.stat("report.stat.posts", self.number(len(posts)), "report.formula.posts"))
        if posts.empty:
            section.notes.append(self.text("report.no_posts"))
            return section
        start = (
            datetime.combine(self.period.since, time(), ZoneInfo(self.tz)).astimezone(UTC)
            if self.period.since is not None
            else posts["taken_at"].min().to_pydatetime()
        )
        weeks = max((end - start).total_seconds() / (7 * 86400), 1.0)
        section.stats.append(
            self.stat("report.stat.per_week", self.number(len(posts) / weeks, 1), "report.formula.per_week")
        )
        gaps = frequency.gaps_and_streaks(posts, self.tz, end)
        section.stats += [
            self.stat(
                "report.stat.median_gap",
                self.number(gaps["median_days_between_posts"], 1),
                "report.formula.median_gap",
            ),
            self.stat(
                "report.stat.longest_pause",
                self.number(gaps["longest_pause_days"], 1),
                "report.formula.longest_pause",
            ),
            self.stat(
                "report.stat.streak", self.number(gaps["longest_daily_streak"]), "report.formula.streak"
            ),
        ]
        unit = "week" if weeks <= WEEKS_AT_MOST else "month"
        several = posts["username"].nunique() > 1
        per_period = frequency.posts_per_period(posts, unit, self.tz)
        chart = (
            compare.compare_frequency_chart(per_period, unit, self.lang)
            if several
            else frequency.posts_per_period_chart(per_period, unit, self.lang)
        )
        self.add(section, self.figure(section.title, chart, "report.formula.per_period"))
        grid = frequency.weekday_hour(posts, self.tz)
        self.add(
            section,
            self.figure(
                self.text("chart.weekday_hour.title"),
                frequency.weekday_hour_chart(grid, self.lang),
                "report.formula.weekday_hour",
            ),
        )
        return section

    def engagement_section(self, posts: pd.DataFrame) -> Section:
        section = Section("engagement", self.text("report.section.engagement"))
        if posts.empty:
            section.notes.append(self.text("report.no_posts"))
            return section
        section.stats += [
            self.stat(
                "report.stat.engagement_rate",
                self.percent(engagement.engagement_rate(posts)),
                "report.formula.engagement_rate",
            ),
            self.stat(
                "report.stat.mean_likes",
                self.number(posts["likes"].astype("Float64").mean(), 1),
                "report.formula.mean_likes",
            ),
            self.stat(
                "report.stat.mean_comments",
                self.number(posts["comments"].astype("Float64").mean(), 1),
                "report.formula.mean_comments",
            ),
        ]
        # The formula of every engagement figure, stated once where it is first used.
        section.notes.append(self.text("report.formula.engagement"))
        self.formulas.setdefault(section.notes[-1], section.title)
        over_time = engagement.engagement_over_time(posts, "engagement")
        if not over_time.empty:
            chart = engagement.engagement_over_time_chart(over_time, "engagement", self.lang)
            self.add(section, self.figure(section.title, chart, "report.formula.over_time"))
        kinds = engagement.by_type(posts)
        self.add(
            section,
            self.figure(
                self.text("chart.type"), engagement.by_type_chart(kinds, self.lang), "report.formula.by_type"
            ),
        )
        return section

    def top_posts_section(self, posts: pd.DataFrame) -> Section:
        section = Section("top_posts", self.text("report.section.top_posts"))
        section.formula = self.text("report.formula.top_posts")
        self.formulas.setdefault(section.formula, section.title)
        ranked = engagement.top_posts(posts, TOP_POSTS)
        if ranked.empty:
            ranked = engagement.top_posts(posts, TOP_POSTS, by="likes")
        for post in ranked.itertuples():
            section.posts.append(self.post_card(post))
        if not section.posts:
            section.notes.append(self.text("report.no_posts"))
        return section

    def post_card(self, post: Any) -> PostCard:
        caption = str(post.caption)
        if len(caption) > CAPTION_CHARACTERS:
            caption = caption[: CAPTION_CHARACTERS - 1].rstrip() + "…"
        return PostCard(
            username=str(post.username),
            shortcode=str(post.shortcode),
            url=data.post_url(str(post.shortcode)),
            when=self.when(post.taken_at.to_pydatetime()),
            caption=caption,
            likes=self.number(post.likes),
            comments=self.number(post.comments),
            engagement=self.percent(post.engagement),
            image=embedded(self.media_dir, post.thumb, THUMB_PIXELS),
            deleted=bool(post.deleted),
        )

    def hashtags_section(self, posts: pd.DataFrame) -> Section:
        section = Section("hashtags", self.text("report.section.hashtags"))
        tags = captions.top_tags(posts, "hashtags", TOP_HASHTAGS)
        if tags.empty:
            section.notes.append(self.text("report.no_hashtags"))
            return section
        self.add(
            section,
            self.figure(
                section.title, captions.top_tags_chart(tags, "hashtags", self.lang), "report.formula.hashtags"
            ),
        )
        rows = [
            [f"#{row.tag}", self.number(row.posts), self.percent(row.mean_engagement)]
            for row in tags.itertuples()
        ]
        section.tables.append(
            self.table(
                section.title, ["hashtag", "posts", "mean_engagement"], rows, "report.formula.hashtags"
            )
        )
        return section

    def comments_section(self, username: str) -> Section:
        section = Section("comments", self.text("report.section.comments"))
        stats = comments.comment_stats(self.session, username)
        times = self.comment_times(stats.times) if stats is not None else None
        if stats is None or times is None or times.empty:
            section.notes.append(self.text("report.no_comments"))
            return section
        section.stats += [
            self.stat(
                "report.stat.comments", self.number(times["comments"].sum()), "report.formula.comments"
            ),
            self.stat("report.stat.replies", self.number(times["replies"].sum()), "report.formula.comments"),
        ]
        answered = stats.answers["share"]
        if answered is not None:
            section.stats.append(
                self.stat("report.stat.answered", self.percent(answered), "report.formula.answered")
            )
        weeks = comments.comments_per_week(times, self.tz)
        self.add(
            section,
            self.figure(
                section.title, comments.comments_per_week_chart(weeks, self.lang), "report.formula.comments"
            ),
        )
        people = stats.top_commenters.head(TOP_COMMENTERS)
        if not people.empty:
            rows = [
                [str(r.owner), self.number(r.comments), self.number(r.posts)] for r in people.itertuples()
            ]
            section.tables.append(
                self.table(
                    self.text("report.stat.commenters"),
                    ["person", "comments", "commented_posts"],
                    rows,
                    "report.formula.commenters",
                )
            )
        return section

    def comment_times(self, times: pd.DataFrame) -> pd.DataFrame:
        """The account's comment counts per quarter hour (``insights.comments.comment_times``) in the
        period."""
        if times.empty:
            return times
        instants = pd.Series(
            pd.to_datetime(times["quarter"].to_numpy() * comments.QUARTER, unit="s", utc=True)
        )
        return times[self.in_period(instants).to_numpy()]

    @staticmethod
    def add(section: Section, figure: Figure | None) -> None:
        if figure is not None:
            section.figures.append(figure)
