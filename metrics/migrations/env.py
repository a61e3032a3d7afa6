"""Alembic environment: run on the connection metrics.store hands over (no alembic.ini)."""

from alembic import context

from metrics.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
