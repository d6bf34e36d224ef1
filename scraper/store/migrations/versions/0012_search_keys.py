"""Search keys: captions and comments in one newest-first order that an index can walk, so that a search
pages, counts and charts what it finds without sorting every match (``scraper.store.search_keys``).

- ``profiles.serial``: each account's number in the archive (1, 2, ... by user id here; new accounts
  take the next).
- ``posts.search_key`` and ``comments.search_key``: unique, never NULL (PostgreSQL: a CHECK; SQLite:
  a trigger refusing an insert without one), computed here for the rows there are.
- On SQLite with FTS5, the two indexes ``posts_fts`` (0003) and ``comments_fts`` (0007) become one
  contentless index ``search_fts`` whose rowids are the search keys, with the same tokenizer: column
  ``text`` holds the words, ``facets`` one word naming the kind and the account ("caption" or
  "comment" then the user id: "caption1234"), so a search of one account's captions is narrowed
  inside the index. One word, not two: FTS5's bm25 weighs a match by the length of the whole row, and
  the same two words more in every row would blunt the preference for short texts. Contentless: the
  texts are not stored twice; the triggers give the index the old values to take out.

PostgreSQL keeps its tsvector columns (0004, 0007) and walks ``ix_*_search_key`` newest first.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# The bits of a key, as in scraper.store.search_keys (a migration keeps its own copy: it must go on
# doing what it did whatever the module becomes).
TIME_SHIFT, SERIAL_SHIFT, KIND_SHIFT = 31, 14, 13
MAX_SECONDS = 2**32 - 1
TEXTS = {  # table: (its time column, kind bit, text column, facet of the kind)
    "posts": ("taken_at", 1, "caption", "caption"),
    "comments": ("created_at", 0, "text", "comment"),
}

CREATE_FTS = """
CREATE VIRTUAL TABLE search_fts USING fts5(
    text,
    facets,
    content='',
    tokenize='unicode61 remove_diacritics 2',
    prefix='1 2 3'
)
"""


def _fts_values(prefix: str, table: str) -> str:
    _, _, text, facet = TEXTS[table]
    return f"{prefix}.search_key, {prefix}.{text}, '{facet}' || {prefix}.profile_id"


def _triggers(table: str) -> dict[str, str]:
    """The triggers that keep ``search_fts`` right for the rows of ``table``."""
    _, _, text, _ = TEXTS[table]
    add = f"INSERT INTO search_fts (rowid, text, facets) VALUES ({_fts_values('new', table)});"
    drop = f"INSERT INTO search_fts (search_fts, rowid, text, facets) VALUES ('delete', {_fts_values('old', table)});"
    return {
        f"search_fts_{table}_insert": f"CREATE TRIGGER search_fts_{table}_insert AFTER INSERT ON {table} BEGIN\n"
        f"    {add}\nEND",
        f"search_fts_{table}_delete": f"CREATE TRIGGER search_fts_{table}_delete AFTER DELETE ON {table} BEGIN\n"
        f"    {drop}\nEND",
        f"search_fts_{table}_update": f"CREATE TRIGGER search_fts_{table}_update AFTER UPDATE OF {text}, profile_id, "
        f"search_key ON {table} BEGIN\n    {drop}\n    {add}\nEND",
    }


# What 0003 and 0007 made, for the downgrade.
OLD_FTS = {
    "posts": ("posts_fts", "caption", "id"),
    "comments": ("comments_fts", "text", "id"),
}


def _old_fts(table: str) -> list[str]:
    name, text, key = OLD_FTS[table]
    return [
        f"CREATE VIRTUAL TABLE {name} USING fts5({text}, content='{table}', content_rowid='{key}', "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
        f"CREATE TRIGGER {name}_after_insert AFTER INSERT ON {table} BEGIN\n"
        f"    INSERT INTO {name} (rowid, {text}) VALUES (new.{key}, new.{text});\nEND",
        f"CREATE TRIGGER {name}_after_delete AFTER DELETE ON {table} BEGIN\n"
        f"    INSERT INTO {name} ({name}, rowid, {text}) VALUES ('delete', old.{key}, old.{text});\nEND",
        f"CREATE TRIGGER {name}_after_update AFTER UPDATE OF {text} ON {table} BEGIN\n"
        f"    INSERT INTO {name} ({name}, rowid, {text}) VALUES ('delete', old.{key}, old.{text});\n"
        f"    INSERT INTO {name} (rowid, {text}) VALUES (new.{key}, new.{text});\nEND",
        f"INSERT INTO {name} ({name}) VALUES ('rebuild')",
    ]


# SQLite's stand-in for the CHECK (search_key IS NOT NULL) that PostgreSQL gets: SQLite checks a CHECK
# added with a column against the rows there are, which have no key yet.
_REQUIRED = """
CREATE TRIGGER search_key_required_{table} BEFORE INSERT ON {table} WHEN new.search_key IS NULL BEGIN
    SELECT RAISE(ABORT, '{table}.search_key is required (scraper.store.search_keys)');
END
"""


def _has_fts5(bind: Connection) -> bool:
    """Whether this SQLite connection can create FTS5 tables (as migration 0003 probes it)."""
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.search_fts_probe USING fts5(x)")
    except DBAPIError:
        return False
    bind.exec_driver_sql("DROP TABLE temp.search_fts_probe")
    return True


def _seconds(dialect: str, column: str) -> str:
    """SQL: whole seconds since 1970 of a naive UTC time column, kept within a key's 32 bits."""
    if dialect == "postgresql":
        raw = f"floor(extract(epoch FROM t.{column}))::bigint"
        return f"LEAST(GREATEST({raw}, 0), {MAX_SECONDS})"
    raw = f"CAST(strftime('%s', t.{column}) AS INTEGER)"
    return f"min(max({raw}, 0), {MAX_SECONDS})"


def _fill_keys(dialect: str, table: str) -> None:
    """Each row's key: its second, its account's serial, its kind, then its place among the rows of
    that account and second (by id)."""
    column, kind, _, _ = TEXTS[table]
    second = _seconds(dialect, column)
    serial = "CAST(p.serial AS BIGINT)" if dialect == "postgresql" else "p.serial"
    op.execute(
        f"UPDATE {table} SET search_key = k.search_key FROM ("
        f"SELECT t.id AS id, ({second} << {TIME_SHIFT}) | ({serial} << {SERIAL_SHIFT}) | ({kind} << {KIND_SHIFT})"
        f" | (row_number() OVER (PARTITION BY t.profile_id, {second} ORDER BY t.id) - 1) AS search_key"
        f" FROM {table} t JOIN profiles p ON p.id = t.profile_id) AS k WHERE {table}.id = k.id"
    )


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    op.execute("ALTER TABLE profiles ADD COLUMN serial INTEGER")
    op.execute(
        "UPDATE profiles SET serial = s.n FROM "
        "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM profiles) AS s WHERE profiles.id = s.id"
    )
    op.create_index("ix_profiles_serial", "profiles", ["serial"], unique=True)
    for table in TEXTS:
        op.execute(f"ALTER TABLE {table} ADD COLUMN search_key BIGINT")
        _fill_keys(dialect, table)
        if dialect == "sqlite":  # which adds no constraint to a table but with a new column
            op.execute(_REQUIRED.format(table=table))
        else:
            op.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT ck_{table}_search_key CHECK (search_key IS NOT NULL)"
            )
        op.create_index(f"ix_{table}_search_key", table, ["search_key"], unique=True)
    if dialect != "sqlite":
        return
    for name, _, _ in OLD_FTS.values():
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}_after_{event}")
        op.execute(f"DROP TABLE IF EXISTS {name}")
    if not _has_fts5(bind):
        return
    op.execute(CREATE_FTS)
    for table in TEXTS:
        for ddl in _triggers(table).values():
            op.execute(ddl)
        op.execute(
            f"INSERT INTO search_fts (rowid, text, facets) SELECT {_fts_values(table, table)} FROM {table}"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for table in TEXTS:
            for name in _triggers(table):
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    for table in TEXTS:
        op.drop_index(f"ix_{table}_search_key", table_name=table)
        if bind.dialect.name == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS search_key_required_{table}")
        else:
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_search_key")
        op.drop_column(table, "search_key")
    op.drop_index("ix_profiles_serial", table_name="profiles")
    op.drop_column("profiles", "serial")
    if bind.dialect.name == "sqlite" and _has_fts5(bind):
        for table in OLD_FTS:
            for ddl in _old_fts(table):
                op.execute(ddl)
