"""Matching's per-record columns kept between runs (`warehouse.feature_store`): an
incremental match reads them instead of recomputing every record's match keys.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_feature_part",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["pipeline_run.id"],
            name=op.f("fk_match_feature_part_run_id_pipeline_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feature_part")),
    )
    op.create_index(
        op.f("ix_match_feature_part_run_id"), "match_feature_part", ["run_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_match_feature_part_run_id"), table_name="match_feature_part")
    op.drop_table("match_feature_part")
