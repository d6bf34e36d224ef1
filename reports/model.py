"""What a report is made of, as plain data: sections of figures (values, charts as SVG, tables, posts,
profiles), each with how it is computed in words; the period and the time of the data. Text people
wrote stays plain text here: the template escapes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Kind = Literal["account", "group"]


@dataclass(frozen=True)
class Stat:
    """A figure, its value as shown, and how it is computed (in words)."""

    label: str
    value: str
    formula: str


@dataclass(frozen=True)
class Figure:
    """A chart as inline SVG (drawn by Vega, which writes every text as escaped SVG text), and what
    it shows, in words."""

    label: str
    svg: str
    formula: str


@dataclass(frozen=True)
class Table:
    """Rows of text under translated headers."""

    label: str
    columns: list[str]
    rows: list[list[str]]
    formula: str


@dataclass(frozen=True)
class PostCard:
    """A post as the report shows it: thumbnail (a data: URI), account, time, caption, counts."""

    username: str
    shortcode: str
    url: str
    when: str
    caption: str
    likes: str
    comments: str
    engagement: str
    image: str | None
    deleted: bool


@dataclass(frozen=True)
class ProfileCard:
    """An account's picture (a data: URI), names, biography and link."""

    username: str
    full_name: str
    biography: str
    external_url: str | None
    picture: str | None
    is_demo: bool


@dataclass
class Section:
    """One part of the report, with its figures in the order shown."""

    id: str
    title: str
    profiles: list[ProfileCard] = field(default_factory=list)
    stats: list[Stat] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    posts: list[PostCard] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    formula: str | None = None  # of the section as a whole (the top posts)


@dataclass(frozen=True)
class Report:
    """A whole report: what it is about, in which language, the period, the time of the data and
    its sections; ``formulas`` lists every figure's formula once, for the closing section."""

    kind: Kind
    subject: str  # the user name, or the group's name
    lang: str
    tz: str
    title: str
    period: str
    data_time: str
    made: str
    sections: list[Section]
    formulas: list[tuple[str, str]]
    labels: dict[str, str]
    made_at: datetime
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Period:
    """The days a report covers (in ``tz``, both included; None: open)."""

    since: date | None
    until: date | None
    tz: str
