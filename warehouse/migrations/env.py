"""Alembic environment: always driven from `warehouse.migrate` with an open connection."""

from __future__ import annotations

from alembic import context

from warehouse.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
