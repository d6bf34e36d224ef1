"""Initial archive schema: profiles, snapshots, posts, captions, media, metrics, sync runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("username", sa.String(length=30), nullable=False),
        sa.Column("full_name", sa.Text(), nullable=False),
        sa.Column("biography", sa.Text(), nullable=False),
        sa.Column("external_url", sa.Text(), nullable=True),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("is_verified", sa.Boolean(), nullable=False),
        sa.Column("is_business", sa.Boolean(), nullable=False),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("followers", sa.BigInteger(), nullable=True),
        sa.Column("followees", sa.BigInteger(), nullable=True),
        sa.Column("post_count", sa.BigInteger(), nullable=True),
        sa.Column("profile_pic_url", sa.Text(), nullable=True),
        sa.Column("profile_pic_key", sa.Text(), nullable=True),
        sa.Column("profile_pic_file", sa.Text(), nullable=True),
        sa.Column("profile_pic_changed_at", sa.DateTime(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("complete_until", sa.DateTime(), nullable=True),
        sa.Column("history_complete", sa.Boolean(), nullable=False),
        sa.Column("backfill_state", sa.JSON(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("last_synced_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profiles_username"), ["username"], unique=False)

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=30), nullable=False),
        sa.Column("profile_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("api_requests", sa.Integer(), nullable=False),
        sa.Column("posts_new", sa.Integer(), nullable=False),
        sa.Column("posts_updated", sa.Integer(), nullable=False),
        sa.Column("media_downloaded", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_runs_profile_id"), ["profile_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sync_runs_username"), ["username"], unique=False)

    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shortcode", sa.String(length=32), nullable=False),
        sa.Column("media_id", sa.BigInteger(), nullable=False),
        sa.Column("profile_id", sa.BigInteger(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("hashtags", sa.JSON(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("tagged_users", sa.JSON(), nullable=False),
        sa.Column("location_id", sa.BigInteger(), nullable=True),
        sa.Column("location_name", sa.Text(), nullable=True),
        sa.Column("location_lat", sa.Double(), nullable=True),
        sa.Column("location_lng", sa.Double(), nullable=True),
        sa.Column("likes", sa.BigInteger(), nullable=True),
        sa.Column("comments", sa.BigInteger(), nullable=True),
        sa.Column("video_views", sa.BigInteger(), nullable=True),
        sa.Column("video_plays", sa.BigInteger(), nullable=True),
        sa.Column("video_duration", sa.Double(), nullable=True),
        sa.Column("is_pinned", sa.Boolean(), nullable=False),
        sa.Column("accessibility_caption", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shortcode"),
    )
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.create_index("ix_posts_profile_taken", ["profile_id", "taken_at"], unique=False)

    op.create_table(
        "profile_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.BigInteger(), nullable=False),
        sa.Column("sync_run_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("followers", sa.BigInteger(), nullable=True),
        sa.Column("followees", sa.BigInteger(), nullable=True),
        sa.Column("post_count", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sync_run_id"], ["sync_runs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("profile_id", "sync_run_id"),
    )
    with op.batch_alter_table("profile_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_profile_snapshots_profile_id"), ["profile_id"], unique=False)

    op.create_table(
        "caption_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("caption_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caption_versions_post_id"), ["post_id"], unique=False)

    op.create_table(
        "media_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_video", sa.Boolean(), nullable=False),
        sa.Column("image_url", sa.Text(), nullable=True),
        sa.Column("video_url", sa.Text(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("accessibility_caption", sa.Text(), nullable=True),
        sa.Column("file", sa.Text(), nullable=True),
        sa.Column("thumb", sa.Text(), nullable=True),
        sa.Column("video_file", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("post_id", "position"),
    )
    op.create_table(
        "post_metrics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("sync_run_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("likes", sa.BigInteger(), nullable=True),
        sa.Column("comments", sa.BigInteger(), nullable=True),
        sa.Column("views", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sync_run_id"], ["sync_runs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("post_id", "sync_run_id"),
    )
    with op.batch_alter_table("post_metrics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_post_metrics_post_id"), ["post_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("post_metrics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_post_metrics_post_id"))

    op.drop_table("post_metrics")
    op.drop_table("media_items")
    with op.batch_alter_table("caption_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caption_versions_post_id"))

    op.drop_table("caption_versions")
    with op.batch_alter_table("profile_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profile_snapshots_profile_id"))

    op.drop_table("profile_snapshots")
    with op.batch_alter_table("posts", schema=None) as batch_op:
        batch_op.drop_index("ix_posts_profile_taken")

    op.drop_table("posts")
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_runs_username"))
        batch_op.drop_index(batch_op.f("ix_sync_runs_profile_id"))

    op.drop_table("sync_runs")
    with op.batch_alter_table("profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_profiles_username"))

    op.drop_table("profiles")
