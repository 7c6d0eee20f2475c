"""Suppression list of erased persons (salted hashes), per-warehouse secrets, suppressed rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 14:36:48.563314
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suppression",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("request_ref", sa.String(length=200), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppression")),
    )
    with op.batch_alter_table("suppression", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_suppression_digest"), ["digest"], unique=False)

    op.create_table(
        "warehouse_secret",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_warehouse_secret")),
    )
    with op.batch_alter_table("ingested_file", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rows_suppressed", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("ingested_file", schema=None) as batch_op:
        batch_op.drop_column("rows_suppressed")

    op.drop_table("warehouse_secret")
    with op.batch_alter_table("suppression", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suppression_digest"))

    op.drop_table("suppression")
