"""POS: one DSFinV-K receipt (transactions.csv row + its lines and payments), SOURCES.md §4.

Most receipts are anonymous: without a name, customer number or address they carry no
identity and are touchpoints only. Amounts use the symbols `index.xml` declared, times
are Europe/Berlin local time without an offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.dates import BERLIN
from schemas.records import ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder, details

# KUNDE_TYP or KUNDE_LAND alone do not say who the customer was.
_IDENTITY_COLUMNS = (
    "KUNDE_NAME", "KUNDE_ID", "KUNDE_STRASSE", "KUNDE_PLZ", "KUNDE_ORT", "KUNDE_USTID",
)  # fmt: skip


def _rows(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    rows = data.get(key)
    return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []


def parse_pos_receipt(data: Mapping[str, Any]) -> ParsedRow:
    """A receipt: the customer fields if the POS knew the customer, and a `receipt`."""
    b = RecordBuilder(data)
    register, receipt_id = b.text("Z_KASSE_ID"), b.text("BON_ID")
    key = b.key(register, receipt_id, label="'Z_KASSE_ID' or 'BON_ID'")
    decimal = b.text("_decimal_symbol") or ","
    grouping = b.text("_digit_grouping")
    grouping = "." if grouping is None and decimal == "," else grouping or ""
    if register and receipt_id:
        b.identifier("pos_receipt", f"{register}:{receipt_id}")
    has_identity = any(b.text(c) is not None for c in _IDENTITY_COLUMNS)
    b.identifier("card", b.text("KUNDE_ID"))
    vat_id = b.text("KUNDE_USTID")
    b.identifier("ustid", vat_id.replace(" ", "").upper() if vat_id else None)
    b.name(b.text("KUNDE_NAME"), "first_last")  # often "Nachname, Vorname" or a company
    country = b.country(b.text("KUNDE_LAND"))  # ISO alpha-3, DEU
    b.address(b.text("KUNDE_STRASSE"), b.text("KUNDE_PLZ"), b.text("KUNDE_ORT"), country)
    lines = _rows(data, "_lines")
    coupons = [code for line in lines if (code := b.text_in(line, "GUTSCHEIN_NR"))]
    for code in coupons:
        b.identifier("coupon", code)
    payments = _rows(data, "_payments")
    ended = b.when("BON_ENDE", b.text("BON_ENDE"), naive_tz=BERLIN)
    started = b.when("BON_START", b.text("BON_START"), naive_tz=BERLIN)
    receipt = Touchpoint(
        kind="receipt",
        occurred_at=ended or started,
        reference=receipt_id,
        channel="store",
        amount=b.money("UMS_BRUTTO", b.text("UMS_BRUTTO"), decimal=decimal, grouping=grouping),
        currency="EUR",  # DSFinV-K's base currency; foreign cash is a payment detail
        details=details(
            register=register,
            receipt_number=b.text("BON_NR"),
            receipt_type=b.text("BON_TYP"),
            closing=b.text("Z_NR"),
            cancelled="yes" if b.text("BON_STORNO") == "1" else None,
            customer_type=b.text("KUNDE_TYP"),
            lines=len(lines) or None,
            coupons=",".join(sorted({c.upper() for c in coupons})) or None,
            payment=",".join(
                sorted({p for r in payments if (p := b.text_in(r, "ZAHLART_NAME", "ZAHLART_TYP"))})
            )
            or None,
        ),
    )
    return b.build(
        "pos_receipt",
        key,
        touchpoints=(receipt,),
        has_identity=has_identity,
        updated_at=ended or started,
    )
