"""Each quarantined row's content hash, indexed with its source: a delivery knows a bad row
it repeats (a daily snapshot's) from the stored hashes, instead of decoding and hashing
every quarantined payload of its source again (each delivery of each run, growing with
the quarantine). Existing rows get theirs here; rows whose payload retention removed keep
none.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 22:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from warehouse.retention import EXPIRED_RAW
from warehouse.staging import content_hash

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_QUARANTINE = sa.table(
    "quarantine",
    sa.column("id", sa.Integer),
    sa.column("raw", sa.JSON),
    sa.column("content_hash", sa.String),
)
_BATCH = 5_000


def upgrade() -> None:
    op.add_column("quarantine", sa.Column("content_hash", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_QUARANTINE.c.id, _QUARANTINE.c.raw)).all()
    hashes = [{"row": i, "hash": content_hash(raw)} for i, raw in rows if raw != EXPIRED_RAW]
    update = (
        sa.update(_QUARANTINE)
        .where(_QUARANTINE.c.id == sa.bindparam("row"))
        .values(content_hash=sa.bindparam("hash"))
    )
    for start in range(0, len(hashes), _BATCH):
        connection.execute(update, hashes[start : start + _BATCH])
    op.create_index("ix_quarantine_source_content_hash", "quarantine", ["source", "content_hash"])


def downgrade() -> None:
    op.drop_index("ix_quarantine_source_content_hash", table_name="quarantine")
    with op.batch_alter_table("quarantine") as batch:
        batch.drop_column("content_hash")
