"""An index on (source, content_hash) of the current records: each delivery reads its
kind's current content hashes to skip exact duplicates, which scanned the whole table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 21:45:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain CREATE INDEX: no table rebuild, which batch mode might do on SQLite.
    op.create_index(
        "ix_source_record_source_content_hash", "source_record", ["source", "content_hash"]
    )


def downgrade() -> None:
    op.drop_index("ix_source_record_source_content_hash", table_name="source_record")
