"""Canonical models every source maps into: one customer record, its touchpoints and consents.

A `CustomerRecord` holds *normalized* values only; the raw row stays beside it in the
warehouse (`source_record.raw`), so every normalized value can be traced to what was delivered.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# The built-in record kinds (SOURCES.md §8); a generic source adds its own name.
RecordKind = Literal[
    "shop_customer",
    "shop_order",
    "helpdesk_user",
    "hotline_call",
    "newsletter_member",
    "pos_receipt",
    "coupon_redemption",
    "postcard",
]
RECORD_KINDS: tuple[str, ...] = RecordKind.__args__  # type: ignore[attr-defined]

# A record or touchpoint kind: a built-in one, or a name a generic source was configured
# with. Lower-case identifiers that fit the warehouse's String(40) kind columns.
KIND_PATTERN = r"^[a-z][a-z0-9_]*$"
KIND_MAX_LENGTH = 40
Kind = Annotated[str, StringConstraints(pattern=KIND_PATTERN, max_length=KIND_MAX_LENGTH)]

# The built-in touchpoint kinds; a generic source may name another one.
TouchpointKind = Literal[
    "order",
    "helpdesk_contact",
    "call",
    "newsletter_subscription",
    "receipt",
    "coupon_redemption",
    "postcard",
]
ConsentChannel = Literal["email", "sms", "phone", "post"]
ConsentStatus = Literal["granted", "revoked", "pending", "cleaned"]
ConsentMethod = Literal[
    "double_opt_in",  # form submitted and confirmation link clicked (Mailchimp OPTIN + CONFIRM)
    "import_unknown",  # imported or API-added contact: no opt-in evidence
    "checkbox",  # shop checkbox without timestamp or DOI evidence
    "paper_doi_pending",  # ticked box on a paper postcard: electronic DOI still pending
    "unsubscribe",  # an explicit opt-out
    "bounce_cleaned",  # address removed by the provider after hard bounces
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CustomerRecord(_Frozen):
    """One source record's identity, normalized for matching and survivorship.

    `identifiers` are namespaced strong keys shared across sources, e.g.
    `card:K-004711` (loyalty / customer number), `coupon:SOMMER15-7Q2X`,
    `shop_customer:7012345678901`, `shop_order:#1002`. Two records sharing one
    are linked by evidence from a transaction, not by similar names.
    """

    source: Kind  # a `RecordKind`, or a generic source's name
    source_key: str = Field(min_length=1)
    has_identity: bool = True  # False: an anonymous receipt; touchpoints only, never matched
    salutation: str | None = None  # "Herr" / "Frau" / None
    title: str | None = None  # "Dr.", "Prof. Dr."
    first_name: str | None = None  # display form, e.g. "Jürgen"
    last_name: str | None = None  # display form, e.g. "Müller-Lüdenscheidt"
    name_suffix: str | None = None  # "jun." / "sen."
    company: str | None = None
    birth_date: date | None = None
    birth_month_day: str | None = None  # "MM-DD" when only day and month are known (Mailchimp)
    email: str | None = None  # normalized, lower case
    phone: str | None = None  # E.164, the person's main number (mobile preferred)
    phone_alt: str | None = None  # E.164, a second number (landline, address phone)
    street: str | None = None  # normalized street name, "Hauptstraße"
    house_number: str | None = None  # "5", "3a", "12-14"
    postal_code: str | None = None  # 5-digit German PLZ or foreign code as given
    city: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    identifiers: tuple[str, ...] = ()
    updated_at: datetime | None = None  # when the source last changed it, for recency rules
    # repairs applied, e.g. "email_repaired", "plz_zero_restored"
    quality_flags: tuple[str, ...] = ()


class Touchpoint(_Frozen):
    """An interaction of the record's person with the company."""

    kind: Kind  # a `TouchpointKind`, or what a generic source configured
    occurred_at: datetime | None = None
    reference: str | None = None  # order name, receipt id, call id, coupon code …
    channel: str | None = None  # "online", "store", "phone", "email", "street"
    amount: Decimal | None = None  # gross amount in `currency`
    currency: str | None = None
    details: dict[str, str] = Field(default_factory=dict)  # non-personal facts (status, sku count)


class Consent(_Frozen):
    """A marketing-consent fact with its proof, per channel."""

    channel: ConsentChannel
    status: ConsentStatus
    method: ConsentMethod
    opted_in_at: datetime | None = None
    confirmed_at: datetime | None = None
    revoked_at: datetime | None = None
    # e.g. "mailchimp LEID 123456701, confirm IP 91.64.12.7", "postcard 000123"
    evidence: str | None = None


class ParsedRow(_Frozen):
    """What one valid input row becomes."""

    record: CustomerRecord
    touchpoints: tuple[Touchpoint, ...] = ()
    consents: tuple[Consent, ...] = ()
