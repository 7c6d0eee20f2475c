"""Coupons: the Voucherify redemption export (SOURCES.md §5a) and the campaigns behind it.

Redemptions are not invented on their own: the shop and the stores report each coupon
they take, so one code links an order or a receipt, its redemption and the postcard it was
handed out on. Failures and rollbacks are added as Voucherify writes them; rollbacks are
skipped by the pipeline and so never enter the truth.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from pipelines.demo.corrupt import NORMAL, Difficulty, email_text, invalid_email, person_name
from pipelines.demo.files import LineRenderer, text_file
from pipelines.demo.formats import ExportDay, iso_utc_millis
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person

HEADER = (
    "id,object,date,voucher_code,campaign,promotion_tier_id,customer_id,customer_source_id,"
    "customer_name,tracking_id,order_id,order_amount,gift_amount,loyalty_points,result,"
    "failure_code,failure_message,metadata"
).split(",")


@dataclass(frozen=True)
class Campaign:
    name: str  # Voucherify campaign, also the postcard's `Aktion`
    location: str  # postcard `Standort`
    city: str  # where the stand was
    prefix: str  # personal codes are `<prefix>-XXXX`
    percent: int


CAMPAIGNS = (
    Campaign("Sommerfest Königstraße 2024", "Stuttgart Königstraße", "Stuttgart", "SOMMER15", 15),
    Campaign("Stadtfest Dresden 2024", "Dresden Altmarkt", "Dresden", "STADTFEST10", 10),
    Campaign("Frühlingsmarkt Leipzig 2024", "Leipzig Markt", "Leipzig", "FRUEHLING10", 10),
    Campaign("Hafengeburtstag Hamburg 2024", "Hamburg Landungsbrücken", "Hamburg", "HAFEN10", 10),
)
# Codes anybody may use: shared by many persons, so they must not link anyone.
GENERIC = {"WILLKOMMEN10": 10, "NEWSLETTER5": 5, "TREUE20": 20}
_CAMPAIGN_OF = {c.prefix: c for c in CAMPAIGNS}
_GENERIC_CAMPAIGN = {"WILLKOMMEN10": "Willkommen", "NEWSLETTER5": "Newsletter", "TREUE20": "Treue"}
_FAILURES = (
    ("voucher_expired", "voucher expired", "HERBST10", "Herbstaktion 2023"),
    ("quantity_exceeded", "quantity exceeded", None, None),
    ("voucher_not_active", "voucher not active yet", "WEIHNACHT24", "Weihnachten 2024"),
)
FAILURE_SHARE = 0.05  # failed attempts per successful redemption
ROLLBACK_SHARE = 0.03  # successful redemptions undone the same day
_CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def personal_code(prefix: str, rng: random.Random) -> str:
    return f"{prefix}-" + "".join(rng.choice(_CODE_LETTERS) for _ in range(4))


def discount_percent(code: str) -> int:
    if code in GENERIC:
        return GENERIC[code]
    campaign = _CAMPAIGN_OF.get(code.split("-")[0])
    return campaign.percent if campaign else 10


@dataclass(frozen=True)
class _Redeemed:
    row: tuple[str, ...]
    moment: datetime


class Coupons:
    """Voucherify's view: customers it knows, codes handed out, one export per day."""

    def __init__(self, people: list[Person], seed: int, difficulty: Difficulty = NORMAL) -> None:
        self.noise = difficulty.noise("coupon_redemption")
        self.people = people
        self.rng = random.Random(f"{seed}:coupons")
        self._customer_ids: dict[int, str] = {}
        self._issued: set[str] = set()
        self.holders: list[Person] = []  # persons holding an unused personal code

    def issue(self, campaign: Campaign, person: Person, rng: random.Random) -> str:
        """A new personal code of the campaign; the person may now redeem it."""
        code = personal_code(campaign.prefix, rng)
        while code in self._issued:  # one code, one person: a code is strong evidence
            code = personal_code(campaign.prefix, rng)
        self._issued.add(code)
        if person.coupon is None:
            person.coupon = code
            self.holders.append(person)
        return code

    def customer_id(self, person: Person) -> str:
        known = self._customer_ids.get(person.pid)
        if known is None:
            known = "cust_" + "".join(self.rng.choice(_BASE62) for _ in range(21))
            self._customer_ids[person.pid] = known
        return known

    def take_holder(self, rng: random.Random) -> Person | None:
        """A person about to use their personal code, if any is still unused."""
        if not self.holders:
            return None
        index = rng.randrange(len(self.holders))
        self.holders[index], self.holders[-1] = self.holders[-1], self.holders[index]
        return self.holders.pop()

    @contextmanager
    def day(self, landing: Path, day: ExportDay, ledger: Ledger) -> Iterator[DayLog]:
        with text_file(landing / f"coupon_redemptions_{day.stamp}.csv") as handle:
            log = DayLog(self, handle, day, ledger)
            yield log
            log.finish()
        ledger.file("coupon_redemptions")


class DayLog:
    """Redemptions of one export day, written as they are reported."""

    def __init__(self, coupons: Coupons, handle: TextIO, day: ExportDay, ledger: Ledger) -> None:
        self.coupons = coupons
        self.rng = coupons.rng
        self.handle = handle
        self.day = day
        self.ledger = ledger
        self.renderer = LineRenderer(lineterminator="\n")
        self.successes: list[_Redeemed] = []
        handle.write(self.renderer.render(HEADER))

    def _write(self, row: tuple[str, ...], person: Person | None, invalid: bool) -> None:
        self.handle.write(self.renderer.render(row))
        self.ledger.row("coupon_redemption", row[0], person, invalid=invalid)

    def _tracking(self) -> str:
        return "track_" + base64.b64encode(self.rng.getrandbits(128).to_bytes(16, "big")).decode()

    def _name(self, person: Person) -> str:
        first, last = person_name(person.first, person.last, self.rng, self.coupons.noise)
        return f"{first} {last}"

    def redeem(
        self,
        code: str,
        person: Person | None,
        moment: datetime,
        amount_cents: int,
        *,
        order: tuple[str, str] | None = None,  # (order name, order id) of a shop order
        receipt: tuple[str, str] | None = None,  # (register, receipt id) of a POS receipt
        source_id: str | None = None,  # the merchant's own customer key: email or card
    ) -> None:
        """One successful redemption reported by the shop (`order`) or a store (`receipt`)."""
        rng, noise = self.rng, self.coupons.noise
        invalid = person is not None and rng.random() < noise.invalid
        meta: dict[str, str]
        if order is not None:
            meta = {"kanal": "Onlineshop", "shop_order": order[0]}
        else:
            register, bon = receipt or ("", "")
            meta = {"kanal": "Filiale", "kasse": register, "bon_id": bon}
        metadata = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
        source = source_id or ""
        if source and "@" in source:
            source = email_text(source, rng, noise)
        if invalid:  # a broken cell: an unusable email key, or metadata cut off mid-string
            if "@" in source:
                source = invalid_email(source.lower(), rng, keep_at=True)
            else:
                metadata = metadata[: len(metadata) // 2]
        campaign = _CAMPAIGN_OF.get(code.split("-")[0])
        row = (
            f"r_{rng.getrandbits(72):018x}", "redemption", iso_utc_millis(moment, rng), code,
            campaign.name if campaign else _GENERIC_CAMPAIGN.get(code, ""), "",
            self.coupons.customer_id(person) if person else "", source,
            self._name(person) if person else "", self._tracking(),
            f"ord_{order[1]}" if order else "", str(amount_cents), "", "", "SUCCESS", "", "",
            metadata,
        )  # fmt: skip
        self._write(row, person, invalid)
        self.successes.append(_Redeemed(row, moment))

    def finish(self) -> None:
        """The day's failed attempts and rollbacks, after the successes."""
        rng = self.rng
        failures = max(1, round(len(self.successes) * FAILURE_SHARE))
        for _ in range(failures):
            self._failure()
        for redeemed in self.successes:
            if rng.random() < ROLLBACK_SHARE:
                row = redeemed.row
                later = redeemed.moment + timedelta(minutes=rng.randint(2, 300))
                rollback = (
                    f"rr_{rng.getrandbits(72):018x}", "redemption_rollback",
                    iso_utc_millis(later, rng), *row[3:14], "SUCCESS", "", "", row[17],
                )  # fmt: skip
                self._write(rollback, None, False)

    def _failure(self) -> None:
        rng = self.rng
        code_kind, message, prefix, campaign = rng.choice(_FAILURES)
        if prefix is None:  # a generic code used once too often
            code = rng.choice(tuple(GENERIC))
            campaign = _GENERIC_CAMPAIGN[code]
        else:
            code = personal_code(prefix, rng)
        person = rng.choice(self.coupons.people) if rng.random() < 0.5 else None
        name = self._name(person) if person else ""  # the name the customer gave, if any
        moment = self.day.at(rng, 9, 20)
        row = (
            f"r_{rng.getrandbits(72):018x}", "redemption", iso_utc_millis(moment, rng), code,
            campaign or "", "", "", "", name, "", "", str(rng.randint(500, 20_000)), "", "",
            "FAILURE", code_kind, message,
            json.dumps({"kanal": "Filiale", "kasse": "KASSE-02"}, separators=(",", ":")),
        )  # fmt: skip
        self._write(row, person, False)
