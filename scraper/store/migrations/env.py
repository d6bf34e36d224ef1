"""Alembic environment: runs the migrations on the engine given by ``scraper.store.db``, one process at a
time."""

from __future__ import annotations

from alembic import context

from scraper.store.db import autogenerate_includes, wait_for_upgrade_turn
from scraper.store.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=autogenerate_includes,
    )
    with context.begin_transaction():
        wait_for_upgrade_turn(connection)
        context.run_migrations()
    connection.commit()
