"""One search over the captions and comments of every stored account (``insights.search.search_all``
and ``python -m scraper search``): matching as caption search does, groups, periods, newest first,
JSON and CSV, exit codes, texts kept exact, and the matches per week."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from i18n import t
from insights.search import MATCH_COLUMNS, count_all_matches, matches_per_week, search_all
from scraper.__main__ import main
from scraper.archive import Archive
from scraper.errors import ExitCode
from scraper.instagram.login import Login, login
from scraper.replay import add_comments, build_account, comment_thread, iter_comments
from scraper.store import groups
from scraper.store.models import Comment, Post
from tests.databases import Databases
from tests.helpers import replayed, shared_archive

# Quotes, commas, a formula, markup, a tab, a new line, an emoji, a right-to-left override, '\', '%'.
HOSTILE = (
    'Txosna "entre comillas", coma; =HYPERLINK("http://x.example") <script>alert(1)</script>'
    "\n\tsegunda línea 🎉 \u202eacitsoh \\ 100% a_b"
)
# Captions of each account's newest posts, in order; then new comments on one of its posts.
CAPTIONS = {
    "ermua.kultura": ["Hoy abre la TXOSNA de fiestas 🎉", "Nada que ver aquí", "Txosnas y conciertos"],
    "ermua.udala": ["Pleno municipal", "La txósna cierra a las 3"],
    "ermua.kirolak": [HOSTILE, "Partido el domingo"],
}
COMMENTS = {
    "ermua.kultura": (1, ["¿Dónde está la txosna?", "Bihar arte"]),
    "ermua.udala": (0, ["TXÓSNAK behar ditugu!", "Ez"]),
    "ermua.kirolak": (1, [HOSTILE, "txoko berria"]),
}
REPLY = "Bai, txosnan!"  # a reply on ermua.kultura's commented post
DELETED_AT = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
QUERY = "txosna"


@dataclass(frozen=True)
class Expected:
    """A caption or comment of the replayed accounts, as the search should give it."""

    kind: str
    username: str
    shortcode: str
    id: int | None
    owner: str | None
    text: str
    created_at: datetime
    deleted_at: datetime | None = None

    def key(self) -> tuple[str, str, int | None]:
        return (self.kind, self.shortcode, self.id)


@dataclass(frozen=True)
class Town:
    archive: Archive
    texts: list[Expected]  # every caption and comment stored, matching or not

    def matching(self, word: str = QUERY, *, prefix: bool = True) -> list[Expected]:
        """The texts holding a word that is ``word`` (or starts with it), accents and case ignored,
        newest first as the search orders them."""
        folded = _fold(word)
        found = [
            e
            for e in self.texts
            if any(
                w == folded or (prefix and w.startswith(folded)) for w in re.findall(r"\w+", _fold(e.text))
            )
        ]
        return sorted(found, key=_newest_first)


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _newest_first(e: Expected) -> tuple[float, str, str, int]:
    return (-e.created_at.timestamp(), e.kind, e.shortcode, -(e.id or 0))


def _when(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> Iterator[Town]:
    """Three accounts synced with their comments, the word in captions, comments and a reply of each;
    one matching post and one matching comment since deleted; a group "clubs" of two of them."""
    folder = tmp_path_factory.mktemp("town")
    with shared_archive(databases, folder) as archive, replayed(archive) as (replay, sync):
        researcher = Login(
            "researcher",
            login(archive.settings, "researcher", "s3cret-pw", lambda: "", loader=sync.factory()),
        )
        texts: list[Expected] = []
        for seed, (name, captions) in enumerate(CAPTIONS.items()):
            account = build_account(name, 4, seed=seed)
            for post, caption in zip(account.posts, captions, strict=False):
                post.caption = caption
            position, bodies = COMMENTS[name]
            post = account.posts[position]
            new = add_comments(account, post.shortcode, len(bodies), seed=seed)
            for comment, body in zip(new, bodies, strict=True):
                comment.text = body
            if name == "ermua.kultura":
                add_comments(account, post.shortcode, 0, replies=1, reply_to=new[0].pk)[0].text = REPLY
            replay.add_account(account)
            assert sync(name, login=researcher, comments=True, media=False).error is None
            for post in account.posts:
                if post.caption:
                    texts.append(
                        Expected(
                            "caption", name, post.shortcode, None, None, post.caption, _when(post.taken_at)
                        )
                    )
                for c in iter_comments(comment_thread(account, post)):
                    texts.append(
                        Expected("comment", name, post.shortcode, c.pk, c.owner, c.text, _when(c.created_at))
                    )
        town = Town(archive, texts)
        # Gone from Instagram since: a matching caption's post and a matching comment.
        gone_post = next(e for e in town.matching() if e.kind == "caption" and e.username == "ermua.udala")
        gone_comment = next(
            e for e in town.matching() if e.kind == "comment" and e.username == "ermua.kultura"
        )
        with archive.sessions() as session:
            session.execute(
                update(Post).where(Post.shortcode == gone_post.shortcode).values(deleted_at=DELETED_AT)
            )
            session.execute(
                update(Comment).where(Comment.id == gone_comment.id).values(deleted_at=DELETED_AT)
            )
            groups.add(session, "clubs", ["ermua.kultura", "ermua.kirolak"])
        gone = {gone_post.key(), gone_comment.key()}
        town.texts[:] = [
            Expected(**{**e.__dict__, "deleted_at": DELETED_AT}) if e.key() in gone else e for e in town.texts
        ]
        yield town


@pytest.fixture(autouse=True)
def _log_dir(town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_DIR", str(town.archive.settings.log_dir))  # the command line's log file


def run(town: Town, *args: str) -> int:
    settings = town.archive.settings
    # The archive's options first: after a "--" in ``args`` they would be words of the query.
    return main(["search", "--db", settings.db_url, "--media-dir", str(settings.media_dir), *args])


def found(town: Town, query: str = QUERY, **options: Any) -> list[tuple[str, str, int | None]]:
    with town.archive.sessions() as session:
        return [(m["kind"], m["shortcode"], m["id"]) for m in search_all(session, query, **options)]


def keys(expected: list[Expected]) -> list[tuple[str, str, int | None]]:
    return [e.key() for e in expected]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def test_the_archive_has_the_word_in_captions_comments_and_replies_of_three_accounts(town: Town) -> None:
    matching = town.matching()
    assert {(e.username, e.kind) for e in matching} == {
        (name, kind) for name in CAPTIONS for kind in ("caption", "comment")
    }
    assert any(e.text == REPLY for e in matching)
    assert len(matching) < len(town.texts)  # and much that does not match


def test_captions_and_comments_come_together_newest_first_with_every_field(town: Town) -> None:
    with town.archive.sessions() as session:
        rows = list(search_all(session, QUERY))
    expected = town.matching()
    assert [list(row) for row in rows] == [MATCH_COLUMNS] * len(expected)
    assert [(r["kind"], r["shortcode"], r["id"]) for r in rows] == keys(expected)
    for row, e in zip(rows, expected, strict=True):
        assert (row["username"], row["owner"], row["text"]) == (e.username, e.owner, e.text)
        assert row["created_at"] == e.created_at and row["deleted_at"] == e.deleted_at
    times = [r["created_at"] for r in rows]
    assert times == sorted(times, reverse=True)
    assert sum(r["deleted_at"] is not None for r in rows) == 2  # deleted ones are found too


@pytest.mark.parametrize("query", ["txosna", "TXOSNA", "Txósna", "txos", "#txosna", "  txosna!  "])
def test_accents_case_and_a_prefix_are_ignored_as_in_caption_search(town: Town, query: str) -> None:
    assert found(town, query) == keys(town.matching())


def test_whole_words_only_but_the_last_word_as_a_prefix(town: Town) -> None:
    assert found(town, "txosna cierra") == keys([e for e in town.matching() if "cierra" in e.text])
    assert found(town, "txosnas") == keys(town.matching("txosnas"))
    assert found(town, "osna") == []  # inside a word: not a word of the text


def test_the_fallback_matches_substrings_as_caption_search_does(town: Town) -> None:
    expected = sorted((e for e in town.texts if "txosna" in e.text.lower()), key=_newest_first)
    assert found(town, "TXOSNA", fallback=True) == keys(expected)


def test_accounts_and_a_period_keep_their_rows(town: Town) -> None:
    clubs = ["ermua.kultura", "ermua.kirolak"]
    assert found(town, usernames=clubs) == keys([e for e in town.matching() if e.username in clubs])
    assert found(town, usernames=[]) == []
    times = sorted(e.created_at for e in town.matching())
    since, until = times[len(times) // 3], times[2 * len(times) // 3]
    assert found(town, since=since, until=until) == keys(
        [e for e in town.matching() if since <= e.created_at < until]
    )


def test_pages_cover_the_results_once_and_the_count_covers_all_pages(town: Town) -> None:
    everything = found(town)
    pages = [found(town, limit=3, offset=offset) for offset in range(0, len(everything) + 3, 3)]
    assert [row for page in pages for row in page] == everything
    with town.archive.sessions() as session:
        assert count_all_matches(session, QUERY) == len(everything)
        assert count_all_matches(session, QUERY, usernames=["ermua.udala"]) == len(
            [e for e in town.matching() if e.username == "ermua.udala"]
        )


def test_the_command_line_writes_json_rows_newest_first(
    town: Town, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(town, QUERY) == ExitCode.OK
    rows = json.loads(capsys.readouterr().out)
    expected = town.matching()
    assert [list(row) for row in rows] == [MATCH_COLUMNS] * len(expected)
    assert rows == [
        {
            "kind": e.kind,
            "username": e.username,
            "shortcode": e.shortcode,
            "id": e.id,
            "owner": e.owner,
            "text": e.text,
            "created_at": _iso(e.created_at),
            "deleted_at": _iso(e.deleted_at),
        }
        for e in expected
    ]
    assert all(row["created_at"].endswith("Z") for row in rows)
    assert [row["text"] for row in rows if row["username"] == "ermua.kirolak"] == [HOSTILE, HOSTILE]


def test_the_command_line_writes_csv_with_the_texts_exact(
    town: Town, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(town, QUERY, "--format", "csv") == ExitCode.OK
    reader = csv.DictReader(io.StringIO(capsys.readouterr().out, newline=""))
    rows = list(reader)
    expected = town.matching()
    assert reader.fieldnames == MATCH_COLUMNS
    assert [(r["kind"], r["username"], r["shortcode"], r["id"], r["owner"], r["text"]) for r in rows] == [
        (e.kind, e.username, e.shortcode, str(e.id or ""), e.owner or "", e.text) for e in expected
    ]
    assert [r["created_at"] for r in rows] == [_iso(e.created_at) for e in expected]
    assert sum(r["text"] == HOSTILE for r in rows) == 2


def test_the_command_line_keeps_to_a_group_and_a_period(
    town: Town, capsys: pytest.CaptureFixture[str]
) -> None:
    in_clubs = [e for e in town.matching() if e.username in ("ermua.kultura", "ermua.kirolak")]
    days = sorted({e.created_at.date() for e in in_clubs})
    first, last = days[1], days[-2]  # --until includes its day
    assert run(town, QUERY, "--group", "Clubs", "--since", f"{first}", "--until", f"{last}") == ExitCode.OK
    rows = json.loads(capsys.readouterr().out)
    expected = [e for e in in_clubs if first <= e.created_at.date() <= last]
    assert 0 < len(expected) < len(in_clubs)
    assert [(r["kind"], r["shortcode"], r["id"]) for r in rows] == keys(expected)


def test_a_query_with_search_syntax_is_only_words(town: Town, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(town, "txosna", "OR", "NEAR(", "--format", "json") == ExitCode.OK
    assert json.loads(capsys.readouterr().out) == []
    assert run(town, "--", '"txosna*"') == ExitCode.OK
    assert len(json.loads(capsys.readouterr().out)) == len(town.matching())


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["txosna", "--group", "Bad Name!"], ExitCode.BAD_INPUT, "is not a group name"),
        (["txosna", "--group", "nope"], ExitCode.NOT_FOUND, "There is no group “nope”"),
        (["txosna", "--since", "2024-02-30"], ExitCode.BAD_INPUT, "is not a date"),
        (["txosna", "--until", "yesterday"], ExitCode.BAD_INPUT, "is not a date"),
        (["txosna", "--since", "2024-05-02", "--until", "2024-05-01"], ExitCode.BAD_INPUT, "comes before"),
        (["🎉"], ExitCode.BAD_INPUT, "has no word to search for"),
    ],
    ids=["bad group name", "no such group", "bad since", "bad until", "until before since", "no word"],
)
def test_bad_input_and_a_missing_group_exit_with_their_codes(
    town: Town, args: list[str], code: ExitCode, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(town, *args) == code
    out = capsys.readouterr()
    assert out.out == ""
    assert message in out.err


def test_messages_follow_the_language_of_the_terminal(
    town: Town, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert run(town, "txosna", "--group", "nope") == ExitCode.NOT_FOUND
    assert t("error.no_group", "es", group="nope") in capsys.readouterr().err


def _monday(when: datetime) -> datetime:
    day = when.date() - timedelta(days=when.weekday())
    return datetime(day.year, day.month, day.day)


def test_matches_per_week_account_and_kind_are_counted_in_sql(town: Town) -> None:
    with town.archive.sessions() as session:
        weeks = matches_per_week(session, "TXÓSNA")
        clubs = matches_per_week(session, QUERY, usernames=["ermua.kultura", "ermua.kirolak"])
        none = matches_per_week(session, "xylophone")
    expected = Counter((_monday(e.created_at), e.username, e.kind) for e in town.matching())
    assert list(weeks.columns) == ["week_start", "username", "kind", "matches"]
    assert {
        (r.week_start.to_pydatetime(), r.username, r.kind): r.matches for r in weeks.itertuples()
    } == expected
    assert list(weeks["week_start"]) == sorted(weeks["week_start"])
    assert all(day.weekday() == 0 for day in weeks["week_start"])
    assert set(clubs["username"]) == {"ermua.kultura", "ermua.kirolak"}
    assert clubs["matches"].sum() == len([e for e in town.matching() if e.username != "ermua.udala"])
    assert none.empty and list(none.columns) == list(weeks.columns)
    assert str(none["matches"].dtype) == "int64"
