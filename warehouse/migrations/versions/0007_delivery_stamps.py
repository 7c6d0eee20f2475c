"""Delivery stamps: size and modification time of each manifest entry, so an unchanged
delivery is known without reading it again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 16:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Entries of earlier runs have none: their next run hashes them once and stamps them.
    with op.batch_alter_table("ingested_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stamp", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingested_file", schema=None) as batch_op:
        batch_op.drop_column("stamp")
