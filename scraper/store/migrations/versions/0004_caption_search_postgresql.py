"""Caption search on PostgreSQL: a GIN index over the words of posts.caption.

The words are those SQLite's FTS5 index of migration 0003 sees: ``caption_search_text(caption)``
removes accents (decomposes, then drops the combining marks), folds case and turns every run of
characters that are not letters or digits into a space, so "Día de @ermua.kultura" has the words
"dia", "de", "ermua" and "kultura". ``posts.caption_search`` holds them as a ``tsvector`` of the
``simple`` configuration (no stemming, no stop words), a column PostgreSQL computes itself on every
insert and caption change, so no trigger is needed; storing it keeps ranking a large result cheap.
``insights.search`` puts the words of a query through the same function.

Only PostgreSQL gets the index (13 or newer, for ``normalize``); SQLite has its FTS5 index already
and this migration does nothing there. No model describes the column: ``migrations/env.py`` keeps
autogenerate from offering to drop it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# IMMUTABLE: an index and a generated column may only use functions whose result depends on their
# arguments alone. [:alnum:] and lower() follow the database's LC_CTYPE: with a UTF-8 one (initdb's
# usual choice) they know every script; with "C" only ASCII letters (accented Latin letters are
# plain ASCII by then).
CREATE_FUNCTION = r"""
CREATE FUNCTION caption_search_text(caption text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT lower(regexp_replace(
        regexp_replace(normalize(caption, NFD), '[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+', '', 'g'),
        '[^[:alnum:]]+', ' ', 'g'
    ))
$$
"""

ADD_COLUMN = """
ALTER TABLE posts ADD COLUMN caption_search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, caption_search_text(caption))) STORED
"""

CREATE_INDEX = "CREATE INDEX ix_posts_caption_search ON posts USING gin (caption_search)"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CREATE_FUNCTION)
    op.execute(ADD_COLUMN)  # fills it for the posts already stored
    op.execute(CREATE_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_posts_caption_search")
    op.execute("ALTER TABLE posts DROP COLUMN IF EXISTS caption_search")
    op.execute("DROP FUNCTION IF EXISTS caption_search_text(text)")
