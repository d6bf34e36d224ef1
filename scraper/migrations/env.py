"""Alembic environment: runs the migrations on the engine given by ``scraper.db``."""

from __future__ import annotations

import re

from alembic import context

from scraper.models import Base

# The caption index of migration 0003: an FTS5 virtual table and the shadow tables FTS5 keeps its
# data in. No model describes them, so autogenerate must not offer to drop them.
FTS_TABLES = re.compile(r"posts_fts(_(data|idx|content|docsize|config))?")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Whether autogenerate compares this object: everything but the caption index's tables."""
    return not (type_ == "table" and name is not None and FTS_TABLES.fullmatch(name))


engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
