"""Shop orders: the Shopify order export, one row per line item (SOURCES.md §1b).

Continuation rows repeat only `Name`, the `Lineitem *` columns, `Vendor` and `Lineitem
discount`. The buyer is an account holder (ordering with the account's email) or a guest,
and each order updates its account's totals in the next customer snapshot. A coupon on an
order is reported to Voucherify, which ties order, redemption and postcard together.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from pipelines.demo.corrupt import (
    NORMAL,
    Difficulty,
    invalid_email,
    person_name,
    phone_text,
    street_name,
)
from pipelines.demo.draw import Weighted
from pipelines.demo.files import LineRenderer, text_file
from pipelines.demo.formats import ExportDay, money, shopify_time
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person
from pipelines.demo.places import ADDRESS_EXTRAS
from pipelines.demo.writers.coupons import GENERIC, Coupons, DayLog, discount_percent
from pipelines.demo.writers.shop_customers import ShopCustomers

HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,"
    "Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,"
    "Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,"
    "Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,"
    "Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,"
    "Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,"
    "Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,"
    "Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,Tax 2 Value,Tax 3 Name,"
    "Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,Receipt Number,Duties,"
    "Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,"
    "Next Payment Due At,Payment References"
).split(",")
_COL = {name: index for index, name in enumerate(HEADER)}

ORDERS_PER_PERSON_DAY = 0.045
GUEST_SHARE = 0.15  # orders without an account
CODE_HOLDER_SHARE = 0.04  # orders placed to use a postcard's personal code
GENERIC_CODE_SHARE = 0.06
# (name, sku, price in cents, vendor)
PRODUCTS = (
    ("Kaffeebohnen Espresso 1 kg", "KAF-ESP-1000", 2995, "Rösterei Beispiel"),
    ("Kaffeebohnen Crema 1 kg", "KAF-CRE-1000", 2069, "Rösterei Beispiel"),
    ("Filterkaffee gemahlen 500 g", "KAF-FIL-500", 899, "Rösterei Beispiel"),
    ("Entkoffeiniert 500 g", "KAF-DEC-500", 1149, "Rösterei Beispiel"),
    ('Teeservice "Ostfriesland" 6-tlg.', "TEE-OF-6", 4989, "Porzellan Beispiel"),
    ("Ostfriesentee 250 g", "TEE-OFT-250", 649, "Teehaus Beispiel"),
    ("Milchkännchen Edelstahl", "ZUB-MK-01", 2000, "Rösterei Beispiel"),
    ("Handmühle Keramik", "ZUB-HM-02", 5490, "Rösterei Beispiel"),
    ("Espressotassen 2er-Set", "ZUB-ET-02", 1790, "Porzellan Beispiel"),
    ("Geschenkgutschein 25 €", "GUT-25", 2500, "Rösterei Beispiel"),
)
_STATUS = Weighted(("paid", "pending", "refunded", "partially_refunded"), (88, 8, 2, 2))
_ITEMS = Weighted((1, 2, 3, 4), (55, 28, 12, 5))
_PAID_BY = ("PayPal Express Checkout", "Klarna", "Kreditkarte", "Rechnung")  # or Vorkasse
_SHIPPING = ("DHL Paket", "DHL Paket", "Hermes", "DPD")
_PHONE_STYLES = Weighted(
    ("spaced", "slash", "slash_pairs", "paren", "intl", "e164", "national"),
    (25, 15, 10, 10, 15, 15, 10),
)
_NOTES = ("Bitte beim Nachbarn abgeben", "Geschenk, bitte ohne Rechnung", "Bitte klingeln")


class ShopOrders:
    """The day's orders; numbering continues across days (`#1001`, `Id` 5823456789012 …)."""

    def __init__(
        self, customers: ShopCustomers, coupons: Coupons, seed: int, difficulty: Difficulty = NORMAL
    ) -> None:
        self.noise = difficulty.noise("shop_order")
        self.customers = customers
        self.coupons = coupons
        self.rng = random.Random(f"{seed}:orders")
        self.number = 1000
        self.order_id = 5823456789000
        self.renderer = LineRenderer(lineterminator="\n")

    def write_day(
        self, landing: Path, day: ExportDay, people: int, ledger: Ledger, log: DayLog
    ) -> None:
        rng = self.rng
        accounts = self.customers.open_on(day.index)
        guests = self.customers.guests
        count = max(2, round(people * ORDERS_PER_PERSON_DAY))
        with text_file(landing / f"shop_orders_{day.stamp}.csv") as handle:
            handle.write(self.renderer.render(HEADER))
            for created in sorted(day.at(rng, 0, 24) for _ in range(count)):
                holder = self.coupons.take_holder(rng) if rng.random() < CODE_HOLDER_SHARE else None
                account = None
                if holder is not None and holder.email:
                    person, email = holder, holder.email
                else:
                    if holder is not None:  # no email, no online order: a store visit later
                        self.coupons.holders.append(holder)
                    if guests and (rng.random() < GUEST_SHARE or not accounts):
                        person = rng.choice(guests)
                    elif accounts:
                        account = rng.choice(accounts)
                        person = account.person
                    else:
                        continue
                    email = (account.email if account else None) or person.email or ""
                total = self._order(handle, person, email, created, day, ledger, log)
                if account is not None:
                    account.spent_cents += total
                    account.orders += 1
                    account.line = None  # the next snapshot shows the new totals
        ledger.file("shop_orders")

    def _code(self, person: Person) -> str:
        if person.coupon and not person.coupon_used and self.rng.random() < 0.8:
            person.coupon_used = True
            return person.coupon
        if self.rng.random() < GENERIC_CODE_SHARE:
            return self.rng.choice(tuple(GENERIC))
        return ""

    def _order(
        self,
        handle: TextIO,
        person: Person,
        email: str,
        created: datetime,
        day: ExportDay,
        ledger: Ledger,
        log: DayLog,
    ) -> int:
        """Write one order (first row + continuation rows); returns its total in cents."""
        rng, noise = self.rng, self.noise
        self.number += 1
        self.order_id += rng.randint(1, 50)
        name, order_id = f"#{self.number}", str(self.order_id)
        b2b = person.company is not None and rng.random() < 0.5
        items = [rng.choice(PRODUCTS) for _ in range(_ITEMS.pick(rng))]
        quantities = [rng.randint(10, 50) if b2b else rng.choice((1, 1, 1, 2, 3)) for _ in items]
        gross = sum(price * q for (_, _, price, _), q in zip(items, quantities, strict=True))
        code = self._code(person)
        discount = gross * discount_percent(code) // 100 if code else 0
        subtotal = gross - discount
        shipping = 0 if subtotal >= 5000 else 490  # free shipping from 50 €
        total = subtotal + shipping
        taxes = round(total * 19 / 119)
        clean_email = email.lower()
        invalid = bool(email) and rng.random() < noise.invalid
        if invalid:
            email = invalid_email(clean_email, rng)
        elif rng.random() < 0.9:
            email = clean_email

        first, last = person_name(person.first, person.last, rng, noise)
        billing_name = f"{first} {last}"
        if person.title and rng.random() < 0.2:
            billing_name = f"{person.title} {billing_name}"
        address = person.address_on(day.index)
        street = f"{street_name(address.street, rng, noise.street)} {address.number}"
        extra = rng.choice(ADDRESS_EXTRAS) if rng.random() < 0.05 else ""
        postcode = address.postcode
        if postcode.startswith("0") and rng.random() < 0.4:
            postcode = "'" + postcode
        phone = ""
        if (number := person.phone(rng)) and rng.random() >= noise.missing:
            phone = phone_text(person.gave(number), _PHONE_STYLES.pick(rng))
        company = (person.company or "") if b2b else ""
        billing = (billing_name, street, street, extra, company, address.city.name, postcode,
                   "", "DE", phone)  # fmt: skip
        shipping_to = billing
        if rng.random() < 0.06 and self.customers.accounts:  # a present for someone else
            other = rng.choice(self.customers.accounts).person
            there = other.address_on(day.index)
            line = f"{there.street} {there.number}"
            shipping_to = (f"{other.first} {other.last}", line, line, "", "", there.city.name,
                           there.postcode, "", "DE", "")  # fmt: skip
        elif rng.random() < 0.04:  # a Packstation; the Postnummer goes to Address2
            line = f"Packstation {rng.randint(100, 250)}"
            shipping_to = (billing_name, line, line, str(rng.randint(10**7, 10**8)), "",
                           address.city.name, address.postcode, "", "DE", "")  # fmt: skip

        status = _STATUS.pick(rng)
        payment = "Vorkasse" if status == "pending" else rng.choice(_PAID_BY)
        cancelled = rng.random() < 0.015
        fulfilled = status != "pending" and not cancelled and rng.random() < 0.6
        reference = f"c{rng.randint(10**7, 10**8)}.1" if payment.startswith("PayPal") else ""
        refunded = {"refunded": total, "partially_refunded": total // 3}.get(status, 0)

        row = [""] * len(HEADER)
        row[_COL["Name"]] = name
        row[_COL["Email"]] = email
        row[_COL["Financial Status"]] = "voided" if cancelled else status
        if status != "pending":
            row[_COL["Paid at"]] = shopify_time(created.replace(microsecond=0) + _seconds(rng))
        row[_COL["Fulfillment Status"]] = "fulfilled" if fulfilled else "unfulfilled"
        if fulfilled:
            row[_COL["Fulfilled at"]] = shopify_time(created + _days(rng))
        row[_COL["Accepts Marketing"]] = "yes" if rng.random() < 0.4 else "no"
        row[_COL["Currency"]] = "EUR"
        row[_COL["Subtotal"]] = money(subtotal)
        row[_COL["Shipping"]] = money(shipping)
        row[_COL["Taxes"]] = money(taxes)
        row[_COL["Total"]] = money(total)
        row[_COL["Discount Code"]] = code
        row[_COL["Discount Amount"]] = money(discount)
        method = "Versandkostenfrei" if shipping == 0 else rng.choice(_SHIPPING)
        row[_COL["Shipping Method"]] = method
        row[_COL["Created at"]] = shopify_time(created)
        for offset, value in enumerate(billing):
            row[_COL["Billing Name"] + offset] = value
        for offset, value in enumerate(shipping_to):
            row[_COL["Shipping Name"] + offset] = value
        row[_COL["Notes"]] = rng.choice(_NOTES) if rng.random() < 0.03 else ""
        if cancelled:
            row[_COL["Cancelled at"]] = shopify_time(created + _days(rng))
        row[_COL["Payment Method"]] = payment
        row[_COL["Payment Reference"]] = reference
        row[_COL["Refunded Amount"]] = money(refunded)
        row[_COL["Outstanding Balance"]] = money(total if status == "pending" else 0)
        row[_COL["Id"]] = order_id
        row[_COL["Tags"]] = "B2B" if b2b else ""
        row[_COL["Risk Level"]] = "Low"
        row[_COL["Source"]] = "web"
        row[_COL["Tax 1 Name"]] = "DE MwSt 19%"
        row[_COL["Tax 1 Value"]] = money(taxes)
        if person.mobile and rng.random() < 0.3:
            row[_COL["Phone"]] = phone_text(person.gave(person.mobile), "e164")
        row[_COL["Payment ID"]] = reference
        row[_COL["Payment Terms Name"]] = "Vorkasse" if status == "pending" and b2b else ""
        row[_COL["Payment References"]] = reference

        write = handle.write
        for index, ((title, sku, price, vendor), quantity) in enumerate(
            zip(items, quantities, strict=True)
        ):
            if index:
                row = [""] * len(HEADER)
                row[_COL["Name"]] = name
            row[_COL["Lineitem quantity"]] = str(quantity)
            row[_COL["Lineitem name"]] = title
            row[_COL["Lineitem price"]] = money(price)
            row[_COL["Lineitem sku"]] = sku
            row[_COL["Lineitem requires shipping"]] = "false" if sku.startswith("GUT") else "true"
            row[_COL["Lineitem taxable"]] = "true"
            row[_COL["Lineitem fulfillment status"]] = "fulfilled" if fulfilled else "pending"
            row[_COL["Vendor"]] = vendor
            row[_COL["Lineitem discount"]] = money(discount if index == 0 else 0)
            write(self.renderer.render(row))
        ledger.row("shop_order", order_id, person, invalid=invalid)
        if code:
            log.redeem(
                code,
                person,
                created,
                gross,
                order=(name, order_id),
                source_id=clean_email or None,
            )
        return total


def _seconds(rng: random.Random) -> timedelta:
    return timedelta(seconds=rng.randint(5, 400))


def _days(rng: random.Random) -> timedelta:
    return timedelta(days=rng.randint(1, 4), seconds=rng.randint(0, 36_000))
