"""The names each post lists in a table of their own, ``post_names`` (``scraper.store.names``): its
hashtags, mentions and tagged accounts, once per post, with the post's account and month. A group's
lists are then counted from the index ``ix_post_names_profile`` (the members' entries), where they
were counted by parsing the JSON lists of every post of the members: 114,000 posts for a group of 20
accounts, a second of CPU on PostgreSQL. Filled here from the posts there are, by the store's rule:
the strings of each list (a list, not another JSON value), non-empty, at most 500 characters, once.

The index is made after the rows: one sort instead of an insert into it per row.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NAME_LENGTH = 500  # as scraper.store.models.NAME_LENGTH when this was written
LISTS = {"hashtag": "hashtags", "mention": "mentions", "tag": "tagged_users"}

SQLITE_FILL = """
INSERT INTO post_names (post_id, kind, name, profile_id, month)
SELECT DISTINCT p.id, '{kind}', e.value, p.profile_id, strftime('%Y-%m', p.taken_at)
FROM posts AS p, json_each(CASE WHEN json_type(p.{column}) = 'array' THEN p.{column} ELSE '[]' END) AS e
WHERE e.type = 'text' AND e.value <> '' AND length(e.value) <= {length}
"""

POSTGRESQL_FILL = """
INSERT INTO post_names (post_id, kind, name, profile_id, month)
SELECT DISTINCT p.id, '{kind}', e.value #>> '{{}}', p.profile_id, to_char(p.taken_at, 'YYYY-MM')
FROM posts AS p
CROSS JOIN LATERAL json_array_elements(
    CASE WHEN json_typeof(p.{column}::json) = 'array' THEN p.{column}::json ELSE '[]'::json END
) AS e(value)
WHERE json_typeof(e.value) = 'string' AND e.value #>> '{{}}' <> '' AND length(e.value #>> '{{}}') <= {length}
"""


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "post_names",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=NAME_LENGTH), nullable=False),
        sa.Column("profile_id", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "kind", "name"),
        sqlite_with_rowid=False,
    )
    fill = SQLITE_FILL if sqlite else POSTGRESQL_FILL
    for kind, column in LISTS.items():
        op.execute(fill.format(kind=kind, column=column, length=NAME_LENGTH))
    op.create_index(
        "ix_post_names_profile", "post_names", ["profile_id", "month"], postgresql_include=["kind", "name"]
    )
    if not sqlite:
        op.execute("ANALYZE post_names")


def downgrade() -> None:
    op.drop_index("ix_post_names_profile", table_name="post_names")
    op.drop_table("post_names")
