"""Survivorship: which source record each golden field comes from, by configurable rules.

Per attribute group (the postal address is one unit, never mixed from two records) the
candidate records are those that have the group's key field; they are ranked by the
group's rules in order, then by record id so re-runs give the same golden record:
- `validated`: records whose values for the group needed no repair (no quality flag);
- `trusted`: the source kinds in trust order (`SOURCE_TRUST` or the configured order);
- `recent`: the most recently updated record;
- `frequent`: the value most records of the customer agree on;
- `complete`: the record with more filled fields of the group.
The default order is validated, trusted, recent, frequent, complete. The rules and trust
orders are set in the `[survivorship]` table of the config file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


Rule = Literal["validated", "trusted", "recent", "frequent", "complete"]
DEFAULT_RULES: tuple[Rule, ...] = ("validated", "trusted", "recent", "frequent", "complete")
# Quality flags (schemas) that mark a repaired or unverified value, by attribute group.
_FLAG_PREFIXES = {
    "name": ("name_",),
    "company": ("company_",),
    "birth_date": ("birth_",),
    "email": ("email_",),
    "phone": ("phone_",),
    "address": ("plz_", "street_", "address_"),
}


class GroupPolicy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: tuple[Rule, ...] = DEFAULT_RULES
    source_trust: tuple[str, ...] | None = None  # None: the policy's global order


class SurvivorshipPolicy(BaseModel):
    """How golden fields are chosen; loaded from the config file's `[survivorship]`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source_trust: tuple[str, ...] = SOURCE_TRUST
    groups: dict[str, GroupPolicy] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_groups(self) -> SurvivorshipPolicy:
        unknown = sorted(set(self.groups) - set(ATTRIBUTE_GROUPS))
        if unknown:
            raise ValueError(
                f"unknown attribute group(s) {', '.join(unknown)}; "
                f"known: {', '.join(ATTRIBUTE_GROUPS)}"
            )
        return self

    def for_group(self, group: str) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
        policy = self.groups.get(group, GroupPolicy())
        return policy.rules, policy.source_trust or self.source_trust


@dataclass(frozen=True)
class Golden:
    values: dict[str, Any]
    provenance: dict[str, int]  # attribute group -> source_record id


def _updated(record: Mapping[str, Any]) -> datetime:
    value = record.get("updated_at")
    if not isinstance(value, datetime):
        return _EPOCH
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _ranker(
    group: str,
    fields: tuple[str, ...],
    candidates: Sequence[Mapping[str, Any]],
    rules: tuple[Rule, ...],
    trust: tuple[str, ...],
) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """Sort key of a candidate record: one component per rule, the record id last."""
    agreeing = Counter(tuple(r.get(f) for f in fields) for r in candidates)
    prefixes = _FLAG_PREFIXES.get(group, ())

    def component(rule: Rule, record: Mapping[str, Any]) -> float:
        if rule == "validated":
            flags = record.get("quality_flags") or ()
            return float(any(str(flag).startswith(prefixes) for flag in flags))
        if rule == "trusted":
            source = record["source"]
            return float(trust.index(source) if source in trust else len(trust))
        if rule == "recent":
            return -_updated(record).timestamp()
        if rule == "frequent":
            return -float(agreeing[tuple(record.get(f) for f in fields)])
        return -float(sum(1 for f in fields if record.get(f)))  # complete

    return lambda record: (*(component(rule, record) for rule in rules), record["id"])


def build_golden(
    records: Sequence[Mapping[str, Any]], policy: SurvivorshipPolicy | None = None
) -> Golden:
    """The golden values of one customer from its source records (dicts with an `id`)."""
    policy = policy or SurvivorshipPolicy()
    values: dict[str, Any] = {}
    provenance: dict[str, int] = {}
    for group, fields in ATTRIBUTE_GROUPS.items():
        required = _REQUIRED.get(group, fields[0])
        candidates = [r for r in records if r.get(required)]
        if not candidates:
            values.update(dict.fromkeys(fields))
            continue
        rules, trust = policy.for_group(group)
        best = min(candidates, key=_ranker(group, fields, candidates, rules, trust))
        values.update({f: best.get(f) for f in fields})
        provenance[group] = int(best["id"])
    phone = values.get("phone")
    if not phone:  # a landline is better than no number
        _, trust = policy.for_group("phone")
        alt = min(
            (r for r in records if r.get("phone_alt")),
            key=lambda r: (
                trust.index(r["source"]) if r["source"] in trust else len(trust),
                r["id"],
            ),
            default=None,
        )
        if alt is not None:
            values["phone"] = alt["phone_alt"]
            provenance["phone"] = int(alt["id"])
    return Golden(values=values, provenance=provenance)
