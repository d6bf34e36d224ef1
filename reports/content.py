"""A report on an account or a group over a period: ``build_report`` checks what it is asked and
gathers the sections (``reports.sections``, ``reports.group``) into a ``reports.model.Report``, which
``reports.html`` and ``reports.pdf`` write out. Everything is read through ``insights``; charts become
inline SVG and pictures data: URIs (``reports.drawing``), so the files need nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from reports.group import GroupBuilder
from reports.model import Period, Report
from reports.sections import Builder
from scraper.errors import BadInput
from scraper.store import groups


def check_timezone(name: str) -> str:
    """The IANA time zone ``name``, or BadInput."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput("report.error.bad_timezone", value=name[:60]) from None
    return name


def check_period(since: date | None, until: date | None) -> None:
    """BadInput when the period ends before it starts."""
    if since is not None and until is not None and until < since:
        raise BadInput("error.bad_period", since=since.isoformat(), until=until.isoformat())


def build_report(
    session: Session,
    media_dir: Path,
    *,
    username: str | None = None,
    group: str | None = None,
    since: date | None = None,
    until: date | None = None,
    lang: str = "en",
    tz: str = "UTC",
    now: datetime | None = None,
) -> Report:
    """The report on the stored account ``username`` or on the group ``group`` over the days
    ``since`` to ``until`` in ``tz`` (both included; None: open). AccountNotFound for an account or
    group not stored; BadInput for a bad group name, time zone or period."""
    check_timezone(tz)
    check_period(since, until)
    period = Period(since, until, tz)
    made_at = now or datetime.now(UTC)
    if group is not None:
        name = groups.group_name(group)
        members = groups.members(session, name)
        return GroupBuilder(session, media_dir, lang, period, made_at).group_report(name, members)
    if username is None:
        raise ValueError("a report needs an account or a group")
    return Builder(session, media_dir, lang, period, made_at).account_report(username)


def file_name(report: Report, extension: str) -> str:
    """A file name for the report: "ermua.udala-report-2026-12-02.html"."""
    stamp = report.made_at.strftime("%Y-%m-%d")
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in report.subject)
    return f"{safe}-report-{stamp}.{extension}"
