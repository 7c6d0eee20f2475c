"""Each customer's source kinds as a column: the report's cross-source overlap counts the
customers per set of sources instead of joining every link to its record on every run
(0.85 s at 394k records, most of an incremental day's report).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:40:00.000000
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customer", sa.Column("sources", sa.String(length=400), nullable=True))
    connection = op.get_bind()
    held: defaultdict[str, set[str]] = defaultdict(set)
    rows = connection.execute(
        sa.text(
            "SELECT DISTINCT l.customer_id, r.source FROM customer_link l "
            "JOIN source_record r ON r.id = l.source_record_id"
        )
    )
    for customer_id, source in rows:
        held[customer_id].add(source)
    if held:
        connection.execute(
            sa.text("UPDATE customer SET sources = :sources WHERE id = :id"),
            [{"id": c, "sources": ",".join(sorted(s))} for c, s in held.items()],
        )


def downgrade() -> None:
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("sources")
