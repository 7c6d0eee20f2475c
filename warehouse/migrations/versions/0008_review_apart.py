"""Review items say which kinds of one-person value both customers hold (`apart`), so the
queue can show the likely two-people items last.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Pending items of earlier runs have none: the next match writes it.
    with op.batch_alter_table("match_review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("apart", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("match_review", schema=None) as batch_op:
        batch_op.drop_column("apart")
