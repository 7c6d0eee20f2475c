"""Each current record's text digest (`RawRow.text_digest`): a daily snapshot's unchanged
rows are known by their delivered text, without hashing their parsed data. The index on
(source, content_hash) grows the digest, so one index-only read gives a delivery both.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: no table rebuild, which batch mode might do on
    # SQLite. Existing records get their digest when a delivery repeats them.
    op.add_column("source_record", sa.Column("text_digest", sa.String(length=32), nullable=True))
    op.drop_index("ix_source_record_source_content_hash", table_name="source_record")
    op.create_index(
        "ix_source_record_source_hashes",
        "source_record",
        ["source", "content_hash", "text_digest"],
    )


def downgrade() -> None:
    op.drop_index("ix_source_record_source_hashes", table_name="source_record")
    op.create_index(
        "ix_source_record_source_content_hash", "source_record", ["source", "content_hash"]
    )
    with op.batch_alter_table("source_record") as batch:
        batch.drop_column("text_digest")
