"""Source record versions: superseded versions kept with valid-from / valid-to export days.

Existing records get their delivery's export day as `valid_from`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 14:32:33.214077
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_record_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_record_id", sa.Integer(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("has_identity", sa.Boolean(), nullable=False),
        sa.Column("salutation", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=40), nullable=True),
        sa.Column("first_name", sa.String(length=200), nullable=True),
        sa.Column("last_name", sa.String(length=200), nullable=True),
        sa.Column("name_suffix", sa.String(length=20), nullable=True),
        sa.Column("company", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("birth_month_day", sa.String(length=5), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("phone_alt", sa.String(length=20), nullable=True),
        sa.Column("street", sa.String(length=200), nullable=True),
        sa.Column("house_number", sa.String(length=20), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column(
            "identifiers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "quality_flags",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "raw",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("member", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["ingested_file.id"],
            name=op.f("fk_source_record_version_file_id_ingested_file"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["pipeline_run.id"],
            name=op.f("fk_source_record_version_run_id_pipeline_run"),
        ),
        sa.ForeignKeyConstraint(
            ["source_record_id"],
            ["source_record.id"],
            name=op.f("fk_source_record_version_source_record_id_source_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_record_version")),
    )
    with op.batch_alter_table("source_record_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_record_version_source_record_id"),
            ["source_record_id"],
            unique=False,
        )

    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
    op.execute(
        "UPDATE source_record SET valid_from = (SELECT export_day FROM ingested_file f "
        "WHERE f.id = source_record.file_id)"
    )
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.alter_column("valid_from", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("source_record", schema=None) as batch_op:
        batch_op.drop_column("valid_from")

    with op.batch_alter_table("source_record_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_record_version_source_record_id"))

    op.drop_table("source_record_version")
