"""Match decisions: must-link and cannot-link constraints made by people.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 14:33:51.855585
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("left_record_id", sa.Integer(), nullable=False),
        sa.Column("right_record_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["left_record_id"],
            ["source_record.id"],
            name=op.f("fk_match_decision_left_record_id_source_record"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["right_record_id"],
            ["source_record.id"],
            name=op.f("fk_match_decision_right_record_id_source_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_decision")),
    )
    with op.batch_alter_table("match_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_decision_left_record_id"), ["left_record_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_match_decision_right_record_id"), ["right_record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("match_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_decision_right_record_id"))
        batch_op.drop_index(batch_op.f("ix_match_decision_left_record_id"))

    op.drop_table("match_decision")
