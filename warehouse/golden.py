"""Survivorship: which source record each golden field comes from, by documented rules.

Rules, per attribute group (the postal address is one unit, never mixed from two records):
1. validity: only records that have a value for the group take part;
2. source trust: the source kinds in `SOURCE_TRUST` order, most trusted first;
3. recency: the most recently updated record wins among equally trusted ones;
4. completeness: then the record with more filled fields of the group;
5. a stable tie-break on the record id, so re-runs give the same golden record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Most trusted first: a customer account is maintained by the customer, a typed-in postcard is not.
SOURCE_TRUST: tuple[str, ...] = (
    "shop_customer",
    "shop_order",
    "newsletter_member",
    "helpdesk_user",
    "postcard",
    "pos_receipt",
    "coupon_redemption",
    "hotline_call",
)

ATTRIBUTE_GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("title", "first_name", "last_name", "name_suffix"),
    "company": ("company",),
    "birth_date": ("birth_date",),
    "email": ("email",),
    "phone": ("phone",),
    "address": ("street", "house_number", "postal_code", "city", "country"),
}
# The group member that must be present for a record to supply the group.
_REQUIRED = {"name": "last_name", "address": "street"}

_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Golden:
    values: dict[str, Any]
    provenance: dict[str, int]  # attribute group -> source_record id


def _trust(source: str) -> int:
    return SOURCE_TRUST.index(source) if source in SOURCE_TRUST else len(SOURCE_TRUST)


def _updated(record: Mapping[str, Any]) -> datetime:
    value = record.get("updated_at")
    if not isinstance(value, datetime):
        return _EPOCH
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def build_golden(records: Sequence[Mapping[str, Any]]) -> Golden:
    """The golden values of one customer from its source records (dicts with an `id`)."""
    values: dict[str, Any] = {}
    provenance: dict[str, int] = {}
    for group, fields in ATTRIBUTE_GROUPS.items():
        required = _REQUIRED.get(group, fields[0])
        candidates = [r for r in records if r.get(required)]
        if not candidates:
            values.update(dict.fromkeys(fields))
            continue
        best = min(
            candidates,
            key=lambda r: (
                _trust(r["source"]),
                -_updated(r).timestamp(),
                -sum(1 for f in fields if r.get(f)),
                r["id"],
            ),
        )
        values.update({f: best.get(f) for f in fields})
        provenance[group] = int(best["id"])
    phone = values.get("phone")
    if not phone:  # a landline is better than no number
        alt = min(
            (r for r in records if r.get("phone_alt")),
            key=lambda r: (_trust(r["source"]), r["id"]),
            default=None,
        )
        if alt is not None:
            values["phone"] = alt["phone_alt"]
            provenance["phone"] = int(alt["id"])
    return Golden(values=values, provenance=provenance)
