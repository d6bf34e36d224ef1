"""Comments and replies of posts, with the columns that let a sync read a post's comments again only
when they changed, and comment search that matches as caption search does.

``comments`` holds every comment and reply ever seen (a vanished one gets ``deleted_at``), with the
account it was made on (``profile_id``) so that an account's comments are read without its posts.
On SQLite an external-content FTS5 index ``comments_fts`` with the tokenizer of ``posts_fts``
(migration 0003), kept by triggers; on PostgreSQL a generated ``tsvector`` column over
``caption_search_text`` (migration 0004) with a GIN index. Elsewhere search falls back to LIKE.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CREATE_FTS = """
CREATE VIRTUAL TABLE comments_fts USING fts5(
    text,
    content='comments',
    content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='1 2 3'
)
"""

FTS_TRIGGERS = {
    "comments_fts_after_insert": """
CREATE TRIGGER comments_fts_after_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts (rowid, text) VALUES (new.id, new.text);
END
""",
    "comments_fts_after_delete": """
CREATE TRIGGER comments_fts_after_delete AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
END
""",
    "comments_fts_after_update": """
CREATE TRIGGER comments_fts_after_update AFTER UPDATE OF text ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO comments_fts (rowid, text) VALUES (new.id, new.text);
END
""",
}

PG_COLUMN = """
ALTER TABLE comments ADD COLUMN text_search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, caption_search_text(text))) STORED
"""
PG_INDEX = "CREATE INDEX ix_comments_text_search ON comments USING gin (text_search)"


def _has_fts5(bind: Connection) -> bool:
    """Whether this SQLite connection can create FTS5 tables (as migration 0003 probes it)."""
    try:
        bind.exec_driver_sql("CREATE VIRTUAL TABLE temp.comments_fts_probe USING fts5(x)")
    except DBAPIError:
        return False
    bind.exec_driver_sql("DROP TABLE temp.comments_fts_probe")
    return True


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN: a batch copy of posts would drop the triggers of its FTS index.
    op.add_column("posts", sa.Column("comments_disabled", sa.Boolean(), nullable=True))
    op.add_column("posts", sa.Column("comments_read_count", sa.BigInteger(), nullable=True))
    op.add_column("posts", sa.Column("comments_read_at", sa.DateTime(), nullable=True))
    op.add_column("posts", sa.Column("comments_cursor", sa.Text(), nullable=True))
    op.add_column("sync_runs", sa.Column("comments_new", sa.Integer(), server_default="0", nullable=False))
    op.add_column(
        "watched_accounts", sa.Column("comments", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column(
        "profiles", sa.Column("sync_comments", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "comments",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("owner_username", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("likes", sa.BigInteger(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_comments_post", "comments", ["post_id", "created_at"])
    op.create_index("ix_comments_profile_created", "comments", ["profile_id", "created_at"])
    op.create_index(op.f("ix_comments_parent_id"), "comments", ["parent_id"])
    op.create_index(op.f("ix_comments_owner_id"), "comments", ["owner_id"])
    op.create_index(op.f("ix_comments_owner_username"), "comments", ["owner_username"])

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        if _has_fts5(bind):
            op.execute(CREATE_FTS)
            for ddl in FTS_TRIGGERS.values():
                op.execute(ddl)
    elif bind.dialect.name == "postgresql":
        op.execute(PG_COLUMN)
        op.execute(PG_INDEX)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS comments_fts")
    op.drop_table("comments")
    op.drop_column("sync_runs", "comments_new")
    op.drop_column("watched_accounts", "comments")
    op.drop_column("profiles", "sync_comments")
    for name in ("comments_cursor", "comments_read_at", "comments_read_count", "comments_disabled"):
        op.drop_column("posts", name)  # SQLite 3.35 or newer
