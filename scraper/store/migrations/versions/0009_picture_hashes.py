"""Picture hashes: a perceptual hash of each stored picture, to find pictures posted again.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media_items") as batch:
        batch.add_column(sa.Column("phash", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media_items") as batch:
        batch.drop_column("phash")
