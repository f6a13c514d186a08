"""Alembic environment: migrations run on the connection `kontaktfilter.store.database` hands in,
so the package needs no alembic.ini and works the same on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import context

from kontaktfilter.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
