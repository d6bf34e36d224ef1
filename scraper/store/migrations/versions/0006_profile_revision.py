"""A revision per account, grown by every write that changes what the pages show of it: the
dashboard's caches key on it, so what any process stores shows on the next rerun.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("profiles", sa.Column("revision", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 or newer): a batch copy would drop the table
    # that posts point to.
    op.drop_column("profiles", "revision")
