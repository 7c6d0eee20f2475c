"""The generated landing folder read the way the pipeline reads it: connectors, then
`parse_row`. Nothing is refused, the truth is exactly the identity-bearing valid records,
and the rows meant for quarantine end there."""

from __future__ import annotations

from collections import Counter

import pytest

from schemas.errors import RowRejected, RowSkipped, SourceFormatError
from schemas.parse import parse_row
from tests.pipelines.demo.conftest import Demo
from tests.pipelines.demo.helpers import read_truth

landing_module = pytest.importorskip("connectors.landing")


def test_connectors_read_every_delivery_and_find_every_truth_record(demo: Demo) -> None:
    found = landing_module.discover(demo.landing)
    assert found.unrecognized == []
    rows: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    identity: set[tuple[str, str]] = set()
    for file in found.files:
        try:
            chunks = list(landing_module.read_file(file))
        except SourceFormatError as exc:  # pragma: no cover - the failure message says why
            pytest.fail(f"{file.path.name} refused: {exc}")
        for row in (row for chunk in chunks for row in chunk):
            rows[row.source] += 1
            try:
                parsed = parse_row(row.source, row.data)
            except RowRejected:
                rejected[row.source] += 1
                continue
            except RowSkipped as exc:
                skipped[exc.reason] += 1
                continue
            if parsed.record.has_identity:
                identity.add((parsed.record.source, parsed.record.source_key))

    truth = {(r["source"], r["source_key"]) for r in read_truth(demo.truth)}
    # Nameless calls from a number several persons use, nameless subscriptions of a family
    # mailbox are credited to no one.
    assert truth <= identity
    unattributed = identity - truth
    assert {source for source, _ in unattributed} <= {"hotline_call", "newsletter_member"}
    assert len(unattributed) == sum(demo.summary.unattributed_rows.values()) > 0
    assert dict(rows) == demo.summary.rows
    assert dict(rejected) == demo.summary.invalid_rows  # exactly the rows built to fail
    # Out of scope by rule, never quarantined (rollbacks are too rare to be sure of here).
    assert {"helpdesk agent/admin", "internal call between extensions"} <= set(skipped) <= {
        "helpdesk agent/admin", "internal call between extensions",
        "coupon rollback is not a redemption",
    }  # fmt: skip
    assert 0.002 <= sum(rejected.values()) / sum(rows.values()) <= 0.03
