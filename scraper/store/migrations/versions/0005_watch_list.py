"""The watch list of accounts refreshed on a schedule, and when periodic chores last ran.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watched_accounts",
        sa.Column("username", sa.String(length=30), nullable=False),
        sa.Column("every_minutes", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "scheduled_tasks",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_run_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("scheduled_tasks")
    op.drop_table("watched_accounts")
