"""Source cursors: how far each generic SQL source has been read.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:36:09.909304
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_cursor",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("cursor_value", sa.Text(), nullable=True),
        sa.Column("updated_run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_run_id"],
            ["pipeline_run.id"],
            name=op.f("fk_source_cursor_updated_run_id_pipeline_run"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_source_cursor")),
    )


def downgrade() -> None:
    op.drop_table("source_cursor")
