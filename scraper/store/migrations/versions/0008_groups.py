"""Groups: named sets of stored accounts, looked at together.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "group_members",
        sa.Column("group_name", sa.String(length=64), nullable=False),
        sa.Column("profile_id", sa.BigInteger(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_name"], ["groups.name"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("group_name", "profile_id"),
    )
    op.create_index(op.f("ix_group_members_profile_id"), "group_members", ["profile_id"])


def downgrade() -> None:
    op.drop_table("group_members")
    op.drop_table("groups")
