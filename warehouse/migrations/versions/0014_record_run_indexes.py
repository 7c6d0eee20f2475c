"""Indexes for what every match reads of the records: the identity records' ids with
their last runs (`identity_index`) and the records a run wrote, index-only instead of a
scan of every record's row (0.2 s each at 394k records, on every incremental day).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 06:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_source_record_id_runs", "source_record", ["id", "last_run_id", "has_identity"]
    )
    op.create_index("ix_source_record_last_run_id", "source_record", ["last_run_id"])


def downgrade() -> None:
    op.drop_index("ix_source_record_last_run_id", table_name="source_record")
    op.drop_index("ix_source_record_id_runs", table_name="source_record")
