"""An index on match_review.right_record_id: an incremental match reads the pending
review pairs touching its region from both sides, and only the left side had an index
(the unique pair); erasing a record cascades to the pairs naming it on the right too.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:55:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain CREATE INDEX: no table rebuild, which batch mode might do on SQLite.
    op.create_index("ix_match_review_right_record_id", "match_review", ["right_record_id"])


def downgrade() -> None:
    op.drop_index("ix_match_review_right_record_id", table_name="match_review")
