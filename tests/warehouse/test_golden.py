from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from warehouse.golden import build_golden


def _rec(rid: int, source: str, **fields: Any) -> dict[str, Any]:
    return {"id": rid, "source": source, **fields}


def test_trusted_source_wins_and_address_stays_one_unit() -> None:
    golden = build_golden(
        [
            _rec(
                1,
                "postcard",
                first_name="Juergen",
                last_name="Weiss",
                street="Hauptstraße",
                house_number="5",
                postal_code="70173",
                city="Stuttgart",
            ),
            _rec(
                2,
                "shop_customer",
                first_name="Jürgen",
                last_name="Weiß",
                street="Königstraße",
                house_number="1",
                postal_code=None,
                city="Stuttgart",
            ),
        ]
    )
    assert golden.values["first_name"] == "Jürgen"  # shop account beats a typed-in postcard
    # the address comes whole from one record, the postcode is not mixed in from the other
    assert (golden.values["street"], golden.values["postal_code"]) == ("Königstraße", None)
    assert golden.provenance == {"name": 2, "address": 2}


def test_recency_breaks_ties_within_a_source_and_fields_fill_from_others() -> None:
    old = datetime(2024, 1, 1, tzinfo=UTC)
    new = datetime(2024, 5, 1, tzinfo=UTC)
    golden = build_golden(
        [
            _rec(1, "newsletter_member", email="alt@web.de", updated_at=old, last_name="Groß"),
            _rec(2, "newsletter_member", email="neu@web.de", updated_at=new, last_name="Groß"),
            _rec(3, "helpdesk_user", birth_date=date(1985, 12, 1), phone_alt="+493514711230"),
        ]
    )
    assert golden.values["email"] == "neu@web.de"
    assert golden.values["birth_date"] == date(1985, 12, 1)
    assert golden.values["phone"] == "+493514711230"  # a landline is better than none
    assert golden.provenance["email"] == 2 and golden.provenance["phone"] == 3
