"""Caption search: an SQLite FTS5 index over posts.caption, kept in sync by triggers.

The index is an external-content FTS5 table: it stores only the index, and reads captions from
``posts`` by rowid (``posts.id``). Triggers on ``posts`` keep it right after every insert, delete and
caption change, including deletes cascaded from ``profiles``. The tokenizer folds case and removes
diacritics, so "dia" finds "Día"; prefixes of up to three letters have their own index.

Only SQLite gets the index, and only a build with FTS5; elsewhere ``insights.search`` falls back to
LIKE. A later migration that rebuilds ``posts`` in batch mode (copy, drop, rename) drops these
triggers with the old table and must create them again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# prefix: the first letters typed match the most words, and merging all their lists made a one-letter
# search of 100,000 posts take 0.27 s; indexes of 1- to 3-letter prefixes bring it to 0.1 s, for
# about a third more disk (16 MB at 100,000 posts).
CREATE_INDEX = """
CREATE VIRTUAL TABLE posts_fts USING fts5(
    caption,
    content='posts',
    content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='1 2 3'
)
"""

# An external-content index must be told the old text to remove it, hence 'delete' with old.caption.
TRIGGERS = {
    "posts_fts_after_insert": """
CREATE TRIGGER posts_fts_after_insert AFTER INSERT ON posts BEGIN
    INSERT INTO posts_fts (rowid, caption) VALUES (new.id, new.caption);
END
""",
    "posts_fts_after_delete": """
CREATE TRIGGER posts_fts_after_delete AFTER DELETE ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, caption) VALUES ('delete', old.id, old.caption);
END
""",
    "posts_fts_after_update": """
CREATE TRIGGER posts_fts_after_update AFTER UPDATE OF caption ON posts BEGIN
    INSERT INTO posts_fts (posts_fts, rowid, caption) VALUES ('delete', old.id, old.caption);
    INSERT INTO posts_fts (rowid, caption) VALUES (new.id, new.caption);
END
""",
}


def has_fts5(bind: Connection) -> bool:
    """Whether this SQLite connection can create FTS5 tables."""
    # Trying is the only sure test: FTS5 may be loaded as an extension rather than compiled in, so
    # PRAGMA compile_options can miss it. A failed CREATE is a prepare error that leaves the
    # migration's transaction as it was.
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.posts_fts_probe USING fts5(x)")
    except DBAPIError:
        return False
    bind.exec_driver_sql("DROP TABLE temp.posts_fts_probe")
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not has_fts5(bind):
        return
    op.execute(CREATE_INDEX)
    for ddl in TRIGGERS.values():
        op.execute(ddl)
    op.execute("INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # IF EXISTS: the upgrade created nothing on a build without FTS5.
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS posts_fts")
