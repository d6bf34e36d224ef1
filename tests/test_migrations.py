"""The schema: Alembic migrations that agree with the models on SQLite and PostgreSQL, upgrades in
place that keep the data, times that keep their zone, engines for any PostgreSQL URL, and SQLite set
up for a dashboard reading while a sync writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text

from insights.search import search_captions
from scraper.store import db
from scraper.store.models import Base, Post, Profile


def table_names(engine: Engine) -> set[str]:
    """The database's tables but those of SQLite's caption index."""
    return {name for name in inspect(engine).get_table_names() if not db.FTS_TABLES.fullmatch(name)}


@pytest.fixture
def url(empty_db_url: str) -> str:
    """A database without tables: every test here starts from nothing."""
    return empty_db_url


def differences(engine: Engine) -> list[object]:
    """What autogenerate would write into a new migration for this database."""
    with engine.connect() as conn:
        # The caption indexes are left out, as env.py leaves them out: no model describes them.
        context = MigrationContext.configure(conn, opts={"include_name": db.autogenerate_includes})
        return list(compare_metadata(context, Base.metadata))


def old_database_with_rows(url: str, revision: str) -> None:
    """A database as ``revision`` of the schema left it, with a profile and a post in it."""
    engine = db.create(url)
    db.upgrade(engine, revision)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO profiles (id, username, full_name, biography, is_private, is_verified,"
                " is_business, is_demo, history_complete, first_seen_at, updated_at, followers)"
                " VALUES (42, 'ermua.kultura', 'Ermua Kultura', 'bio', false, false, true, false, true,"
                " '2024-01-01 10:00:00', '2024-01-02 10:00:00', 1234)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO posts (shortcode, media_id, profile_id, taken_at, type, caption, hashtags,"
                " mentions, tagged_users, is_pinned, first_seen_at, last_seen_at, likes)"
                " VALUES ('C0ld1234567', 99, 42, '2023-12-31 23:59:00', 'image', 'Urte berri on #ermua',"
                " '[\"ermua\"]', '[]', '[]', false, '2024-01-01 10:00:00', '2024-01-01 10:00:00', 77)"
            )
        )
    engine.dispose()


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "postgresql+psycopg"])
def test_a_postgresql_url_uses_the_installed_driver(scheme: str) -> None:
    engine = db.create(f"{scheme}://user:pw@db.example:5432/archive")  # no connection is made

    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
    engine.dispose()


def test_the_migrations_form_one_line_of_history() -> None:
    script = ScriptDirectory.from_config(db.alembic_config())

    assert script.get_heads() == [db.head_revision()]
    assert [r.revision for r in script.walk_revisions("base", "heads")][-1] == "0001"


def test_an_empty_database_is_brought_to_head_matching_the_models(url: str, engines: list[Engine]) -> None:
    engine = db.open_engine(url)
    engines.append(engine)

    assert db.current_revision(engine) == db.head_revision()
    assert differences(engine) == []
    assert table_names(engine) == set(Base.metadata.tables) | {"alembic_version"}


def test_an_older_database_is_upgraded_in_place_keeping_its_rows(url: str, engines: list[Engine]) -> None:
    old_database_with_rows(url, "0001")

    engine = db.open_engine(url)
    engines.append(engine)

    assert db.current_revision(engine) == db.head_revision()
    assert differences(engine) == []
    with db.session_factory(engine)() as session:
        profile = session.scalars(select(Profile)).one()
        assert (profile.id, profile.username, profile.followers, profile.history_complete) == (
            42,
            "ermua.kultura",
            1234,
            True,
        )
        assert profile.revision == 0  # migration 0006: a stored account starts at revision 0
        post = session.scalars(select(Post)).one()
        assert (post.shortcode, post.profile_id, post.caption, post.likes) == (
            "C0ld1234567",
            42,
            "Urte berri on #ermua",
            77,
        )
        assert post.hashtags == ["ermua"]
        assert post.taken_at == datetime(2023, 12, 31, 23, 59, tzinfo=UTC)


def test_autogenerate_through_env_py_finds_nothing_to_do_at_head(url: str, engines: list[Engine]) -> None:
    engine = db.open_engine(url)
    engines.append(engine)

    command.check(db.alembic_config(engine))  # raises when a new migration would have operations


def test_upgrading_from_0002_indexes_the_captions_already_stored(url: str, engines: list[Engine]) -> None:
    old_database_with_rows(url, "0002")

    engine = db.open_engine(url)
    engines.append(engine)

    with db.session_factory(engine)() as session:
        assert list(search_captions(session, "#ERMUA")["shortcode"]) == ["C0ld1234567"]
        assert list(search_captions(session, "urte ber")["shortcode"]) == ["C0ld1234567"]
        assert search_captions(session, "gabon").empty


def test_opening_a_database_at_head_again_changes_nothing(
    url: str, engines: list[Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    engines.append(db.open_engine(url))

    def no_upgrade(engine: Engine, revision: str = "head") -> None:
        raise AssertionError("upgraded a database already at head")

    monkeypatch.setattr(db, "upgrade", no_upgrade)

    engine = db.open_engine(url)
    engines.append(engine)

    with engine.connect() as conn:
        assert list(conn.execute(text("SELECT version_num FROM alembic_version"))) == [(db.head_revision(),)]


def test_every_migration_can_be_undone_and_redone(url: str, engines: list[Engine]) -> None:
    engine = db.open_engine(url)
    engines.append(engine)

    command.downgrade(db.alembic_config(engine), "base")
    assert db.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}  # the caption index with them

    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert differences(engine) == []


def test_times_keep_their_moment_and_come_back_aware_in_utc(url: str, engines: list[Engine]) -> None:
    """The columns hold naive UTC (TIMESTAMP WITHOUT TIME ZONE on both databases, so the connection's
    time zone never shifts them); the models take aware times in any zone and give them back in UTC."""
    engine = db.open_engine(url)
    engines.append(engine)
    taken = datetime(2024, 6, 1, 1, 30, tzinfo=timezone(timedelta(hours=2)))  # 2024-05-31 23:30 UTC
    with db.session_factory(engine)() as session:
        session.add(Profile(id=1, username="ermua"))
        session.flush()
        session.add(Post(shortcode="T1", media_id=1, profile_id=1, taken_at=taken, type="image"))
        session.commit()

    with db.session_factory(engine)() as session:
        if engine.dialect.name == "postgresql":
            session.execute(text("SET TIME ZONE 'Pacific/Auckland'"))
        post = session.scalars(select(Post)).one()
        raw = session.scalar(text("SELECT taken_at FROM posts"))
        before = session.scalar(
            select(func.count()).select_from(Post).where(Post.taken_at < datetime(2024, 6, 1, tzinfo=UTC))
        )

    assert post.taken_at == taken and post.taken_at.tzinfo is UTC and post.taken_at.hour == 23
    assert str(raw).startswith("2024-05-31 23:30:00")  # SQLite gives the text, psycopg a naive datetime
    assert before == 1
    columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("posts")}
    assert not getattr(columns["taken_at"], "timezone", False)


@pytest.mark.sqlite_only("PRAGMAs are SQLite's; PostgreSQL's readers never wait for a writer")
@pytest.mark.parametrize(
    ("pragma", "value"),
    [("journal_mode", "wal"), ("busy_timeout", db.BUSY_TIMEOUT_MS), ("foreign_keys", 1)],
)
def test_sqlite_is_set_up_for_a_reader_beside_a_writer(
    pragma: str, value: object, url: str, engines: list[Engine]
) -> None:
    engine = db.open_engine(url)
    engines.append(engine)

    with engine.connect() as conn:
        assert conn.execute(text(f"PRAGMA {pragma}")).scalar() == value
