"""The stored (not deleted) posts of each account kept in ``profiles.posts_stored``, moved by the store
in the transaction of every write that adds, deletes or brings back posts: the account list reads 200
rows, not a million. Counted here once for the archives that exist.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("profiles", sa.Column("posts_stored", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE profiles SET posts_stored = (SELECT count(*) FROM posts "
        "WHERE posts.profile_id = profiles.id AND posts.deleted_at IS NULL)"
    )


def downgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 or newer), as in 0006.
    op.drop_column("profiles", "posts_stored")
