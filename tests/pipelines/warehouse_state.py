"""What a warehouse holds, without surrogate keys or run numbers: two runs that should agree
compare equal even when ids were drawn differently (a crashed transaction uses up ids)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from warehouse.engine import engine_for

_QUERIES = {
    "source_record": """
        SELECT source, source_key, content_hash, valid_from, line, member, has_identity
        FROM source_record""",
    "source_record_version": """
        SELECT r.source, r.source_key, v.valid_from, v.valid_to, v.content_hash
        FROM source_record_version v JOIN source_record r ON r.id = v.source_record_id""",
    "quarantine": """
        SELECT f.path, q.line, q.member, q.reasons
        FROM quarantine q JOIN ingested_file f ON f.id = q.file_id""",
    "customer_link": """
        SELECT r.source, r.source_key, l.customer_id, l.method
        FROM customer_link l JOIN source_record r ON r.id = l.source_record_id""",
    "customer": """
        SELECT id, status, merged_into, first_name, last_name, birth_date, email, phone,
               street, house_number, postal_code, city, record_count, sources
        FROM customer""",
    "touchpoint": """
        SELECT r.source, r.source_key, t.kind, t.occurred_at, t.reference, t.amount
        FROM touchpoint t JOIN source_record r ON r.id = t.source_record_id""",
    "consent": """
        SELECT r.source, r.source_key, c.channel, c.status, c.method
        FROM consent c JOIN source_record r ON r.id = c.source_record_id""",
    "identity_event": "SELECT kind, old_customer_id, new_customer_id, reason FROM identity_event",
    "ingested_file": """
        SELECT path, sha256, status, rows_read, rows_loaded, rows_quarantined, rows_duplicate,
               rows_skipped
        FROM ingested_file""",
}


def warehouse_state(url: str, *, tables: tuple[str, ...] = tuple(_QUERIES)) -> dict[str, Any]:
    engine = engine_for(url)
    with engine.connect() as connection:
        return {
            table: sorted(tuple(map(str, row)) for row in connection.execute(text(_QUERIES[table])))
            for table in tables
        }


def partition(url: str) -> set[frozenset[tuple[str, str]]]:
    """The customers as sets of source records, whatever their IDs."""
    groups: dict[str, set[tuple[str, str]]] = {}
    for source, key, customer, _ in warehouse_state(url, tables=("customer_link",))[
        "customer_link"
    ]:
        groups.setdefault(customer, set()).add((source, key))
    return {frozenset(g) for g in groups.values()}
