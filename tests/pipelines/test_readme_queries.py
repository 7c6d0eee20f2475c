"""The analyst queries in the README run on both databases against a real warehouse."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text

from pipelines.flow import consolidate
from warehouse.engine import engine_for
from warehouse.queries import crosswalk

README = Path(__file__).resolve().parents[2] / "README.md"


def _queries() -> list[str]:
    blocks = re.findall(r"```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    statements = [s.strip() for block in blocks for s in block.split(";")]
    return [
        s for s in statements if s and not all(line.startswith("--") for line in s.splitlines())
    ]


def test_readme_queries_run(sample_landing: Path, warehouse_url: str) -> None:
    consolidate(landing=sample_landing, warehouse_url=warehouse_url)
    engine = engine_for(warehouse_url)
    from warehouse.engine import session_factory

    with session_factory(engine)() as session:
        customer_id = next(iter(crosswalk(session)))[2]
    queries = _queries()
    assert len(queries) >= 5
    results = {}
    with engine.connect() as connection:
        for query in queries:
            results[query] = connection.execute(
                text(query.replace("KS00000042", customer_id))
            ).all()
    newsletter = next(rows for q, rows in results.items() if "email_consent = 'granted'" in q)
    emails = {row.email: row.email_consent_method for row in newsletter}
    # Jürgen's double opt-in stands against a later, unconfirmed paper opt-in (postcard)
    assert emails.get("j.weiss@web.de") == "double_opt_in"
    assert "sabine.oeztuerk@posteo.de" not in emails  # unsubscribed after opting in
    best = next(rows for q, rows in results.items() if "ORDER BY revenue DESC" in q)
    assert best and best[0].revenue is not None
