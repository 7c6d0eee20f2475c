"""Shop customers: the Shopify customer export (a full snapshot every day, SOURCES.md §1a)
and one Shopware 6 "Default customer" export from the shop's predecessor (§1c).

A snapshot repeats every account every day, so each account's row is rendered once and
cached; it is rendered again only when the account changes (an order updates its totals,
its owner moves). Errors come from a per-account seed, so a typo stays the same typo on
every day instead of flickering.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from pipelines.demo.corrupt import (
    NORMAL,
    Difficulty,
    Noise,
    email_text,
    invalid_email,
    person_name,
    phone_text,
    street_name,
)
from pipelines.demo.draw import Weighted
from pipelines.demo.files import LineRenderer, text_file
from pipelines.demo.formats import ExportDay, money
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person, alternate_email
from pipelines.demo.places import ADDRESS_EXTRAS

SHOPIFY_HEADER = (
    "Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,"
    "Default Address Address1,Default Address Address2,Default Address City,"
    "Default Address Province Code,Default Address Country Code,Default Address Zip,"
    "Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,"
    "Tax Exempt,Tags"
).split(",")
SHOPWARE_HEADER = (
    "id;salutation;customer_number;first_name;last_name;email;active;guest;customer_group;"
    "language;sales_channel;payment_method;billing_id;billing_salutation;billing_title;"
    "billing_first_name;billing_last_name;billing_company;billing_street;billing_zipcode;"
    "billing_city;billing_country;billing_phone_number;shipping_id;shipping_salutation;"
    "shipping_title;shipping_first_name;shipping_last_name;shipping_company;shipping_street;"
    "shipping_zipcode;shipping_city;shipping_country;shipping_phone_number"
).split(";")

ACCOUNT_SHARE = 0.42  # persons with a Shopify account
SECOND_ACCOUNT = 0.03  # of those, persons with a second account (another email)
NEW_ACCOUNTS = 0.08  # accounts opened during the export days rather than before
SHOPWARE_SHARE = 0.25  # account holders also in the old Shopware shop
SHOPWARE_ONLY = 0.02  # other persons only in the old shop
EMPTY_NAME = 0.004  # accounts without any name (valid: the email identifies them)
_TAGS = ("", "", "", "Stammkunde", "Newsletter", "Stammkunde, Newsletter", "VIP")
_NOTES = ("Rückruf erwünscht", "Lieferung nur werktags", "Kunde seit Messe 2022")
_FREE_PHONES = Weighted(
    ("spaced", "paren", "slash", "intl", "intl0", "national", "dash"), (30, 15, 15, 15, 10, 10, 5)
)


@dataclass(slots=True, eq=False)
class Account:
    """One Shopify account; totals change with orders, the cached line with them."""

    customer_id: int
    person: Person
    email: str | None
    opened_day: int  # -1: before the first export day
    spent_cents: int = 0
    orders: int = 0
    line: str | None = None
    invalid: bool = False
    reported: bool = False


class ShopCustomers:
    """The shop's accounts and their daily snapshot."""

    def __init__(
        self,
        people: list[Person],
        rng: random.Random,
        days: int,
        seed: int,
        difficulty: Difficulty = NORMAL,
    ) -> None:
        self.noise = difficulty.noise("shop_customer")
        self.seed = seed
        self.accounts: list[Account] = []
        self.guests: list[Person] = []  # persons who order without an account
        next_id = 7012345600000
        taken: set[str] = set()  # Shopify allows one account per email address
        for person in people:
            if rng.random() >= ACCOUNT_SHARE:
                if person.email and rng.random() < 0.1:
                    self.guests.append(person)
                continue
            emails = [person.email]
            if rng.random() < SECOND_ACCOUNT or person.email in taken:  # a family mailbox
                emails.append(alternate_email(person, rng))
            for email in emails:
                if email is not None:
                    if email in taken:
                        continue
                    taken.add(email)
                next_id += rng.randint(1, 40)
                opened = rng.randrange(days) if rng.random() < NEW_ACCOUNTS else -1
                spent = rng.choice((0, 0, rng.randint(1_000, 120_000))) if opened < 0 else 0
                orders = 0 if spent == 0 else rng.randint(1, 15)
                self.accounts.append(Account(next_id, person, email, opened, spent, orders))
        holders = {a.person.pid for a in self.accounts}
        self._shopware = [
            p
            for p in people
            if rng.random() < (SHOPWARE_SHARE if p.pid in holders else SHOPWARE_ONLY)
        ]
        self._renderer = LineRenderer(lineterminator="\n")

    def open_on(self, day: int) -> list[Account]:
        return [a for a in self.accounts if a.opened_day <= day]

    # -- Shopify snapshot ------------------------------------------------------------------
    def write_snapshot(self, landing: Path, day: ExportDay, ledger: Ledger) -> None:
        path = landing / f"shop_customers_{day.stamp}.csv"
        with text_file(path) as handle:
            handle.write(self._renderer.render(SHOPIFY_HEADER))
            for account in self.accounts:
                if account.opened_day > day.index:
                    continue
                moved = account.person.household.moved_day
                if account.line is None or moved == day.index:
                    account.line = self._render(account, day.index)
                handle.write(account.line)
                ledger.row(
                    "shop_customer",
                    str(account.customer_id),
                    account.person,
                    invalid=account.invalid,
                    first=not account.reported,
                )
                account.reported = True
        ledger.file("shop_customers")

    def _render(self, account: Account, day: int) -> str:
        person = account.person
        noise = self.noise
        rng = random.Random(self.seed * 1_000_003 + account.customer_id)
        account.invalid = rng.random() < noise.invalid and account.email is not None
        follows_move = rng.random() < 0.7
        first, last = person_name(person.first, person.last, rng, noise)
        if person.title and rng.random() < 0.3:
            first = f"{person.title} {first}"  # typed into the first-name field
        if person.suffix and rng.random() < 0.3:
            last = f"{last} {person.suffix}"
        if rng.random() < EMPTY_NAME and account.email:
            first = last = ""
        email = ""
        if account.email:
            email = email_text(account.email, rng, noise)
            if account.invalid:
                email = invalid_email(account.email, rng)
        landline = ""
        if person.landline and rng.random() < 0.45:
            landline = phone_text(person.gave(person.landline), _FREE_PHONES.pick(rng))
        phone = ""
        if person.mobile and rng.random() < 0.55:
            phone = ("'" if rng.random() < 0.5 else "") + phone_text(
                person.gave(person.mobile), "e164"
            )
        customer_id = ("'" if rng.random() < 0.6 else "") + str(account.customer_id)
        accepts_email = "yes" if rng.random() < 0.35 else "no"
        accepts_sms = "yes" if phone and rng.random() < 0.15 else "no"
        extra = rng.choice(ADDRESS_EXTRAS) if rng.random() < 0.05 else ""
        note = rng.choice(_NOTES) if rng.random() < 0.02 else ""
        tags = "B2B" if person.company else rng.choice(_TAGS)
        exempt = "yes" if person.company and rng.random() < 0.5 else "no"
        address = person.address_on(day) if follows_move else person.household.address
        street = street_name(address.street, rng, noise.street)
        postcode = address.postcode
        if postcode.startswith("0") and rng.random() < 0.5:
            postcode = "'" + postcode
        row = (
            customer_id, first, last, email, accepts_email, person.company or "",
            f"{street} {address.number}", extra, address.city.name, "", "DE", postcode,
            landline, phone, accepts_sms, money(account.spent_cents), str(account.orders),
            note, exempt, tags,
        )  # fmt: skip
        return self._renderer.render(row)

    # -- Shopware (the old shop), one export ----------------------------------------------
    def write_shopware(self, landing: Path, day: ExportDay, ledger: Ledger) -> None:
        noise = self.noise
        rng = random.Random(f"{self.seed}:shopware")
        path = landing / f"shopware_customers_{day.stamp}.csv"
        with text_file(path) as handle:
            writer = LineRenderer(delimiter=";", lineterminator="\n")
            handle.write(writer.render(SHOPWARE_HEADER))
            number = 10022
            for person in self._shopware:
                number += rng.randint(1, 3)
                invalid = rng.random() < noise.invalid
                handle.write(writer.render(_shopware_row(person, number, rng, invalid, noise)))
                ledger.row("shop_customer", str(number), person, invalid=invalid)
        ledger.file("shopware_customers")


def _shopware_row(
    person: Person, number: int, rng: random.Random, invalid: bool, noise: Noise
) -> tuple[str, ...]:
    first, last = person_name(person.first, person.last, rng, noise)
    salutation = "mrs" if person.female else "mr"
    if rng.random() < 0.1:
        salutation = "not_specified"
    email = email_text(person.email, rng, noise) if person.email else ""
    if invalid:
        email = invalid_email(person.email or f"{last.lower()}@web.de", rng)
    address = person.household.address  # the old shop predates any move
    street = f"{street_name(address.street, rng, noise.street)} {address.number}"
    phone = ""
    if (number_raw := person.phone(rng)) and rng.random() < 0.6:
        phone = phone_text(person.gave(number_raw), _FREE_PHONES.pick(rng))
    group = "Händler" if person.company else "Standard-Kundengruppe"
    payment = rng.choice(("Rechnung", "Vorkasse", "PayPal", "Lastschrift"))
    billing_id = f"{rng.getrandbits(128):032x}"
    billing = (
        billing_id, salutation, person.title, first, last, person.company or "", street,
        address.postcode, address.city.name, "DE", phone,
    )  # fmt: skip
    shipping = billing
    if rng.random() < 0.05:  # a separate delivery address: the company's warehouse
        other = f"{rng.getrandbits(128):032x}"
        shipping = (other, "not_specified", "", "", "", person.company or last,
                    f"Lagerweg {rng.randint(1, 40)}", address.postcode, address.city.name,
                    "DE", "")  # fmt: skip
    head = (
        f"{rng.getrandbits(128):032x}", salutation, str(number), first, last, email,
        "1" if rng.random() < 0.97 else "0", "1" if rng.random() < 0.1 else "0", group,
        "de-DE", "Storefront", payment,
    )  # fmt: skip
    return head + billing + shipping
