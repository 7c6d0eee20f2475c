"""POS: DSFinV-K exports, one per register and Z closing (day), SOURCES.md §4.

KASSE-01 delivers folders in UTF-8 with decimal commas; KASSE-02 (another vendor) delivers
zips in Windows-1252 (GDPdU `<ANSI/>`) with dot decimals, declared in its index.xml as some
generators do: a reader must take encoding and symbols from index.xml. Most receipts are
anonymous; loyalty-card receipts carry `KUNDE_ID` and what the card file holds, invoices
for firms the company and VAT id.

A card is issued against a filled-in form, so the card file knows its holder: the till
prints the same name (typed once, errors and all) on every receipt of a card, and the
address when the card file has one. No receipt of a card is id-only: a till does not
forget a holder's name between two purchases.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.demo.corrupt import NORMAL, Difficulty, person_name, street_name
from pipelines.demo.draw import Weighted
from pipelines.demo.files import Bundle, LineRenderer
from pipelines.demo.formats import ExportDay, fixed_point, naive_local
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person
from pipelines.demo.writers.coupons import Coupons, DayLog, discount_percent

TRANSACTIONS = (
    "Z_KASSE_ID;Z_ERSTELLUNG;Z_NR;BON_ID;BON_NR;BON_TYP;BON_NAME;TERMINAL_ID;BON_STORNO;"
    "BON_START;BON_ENDE;BEDIENER_ID;BEDIENER_NAME;UMS_BRUTTO;KUNDE_NAME;KUNDE_ID;KUNDE_TYP;"
    "KUNDE_STRASSE;KUNDE_PLZ;KUNDE_ORT;KUNDE_LAND;KUNDE_USTID;BON_NOTIZ"
).split(";")
LINES = (
    "Z_KASSE_ID;Z_ERSTELLUNG;Z_NR;BON_ID;POS_ZEILE;GUTSCHEIN_NR;ARTIKELTEXT;POS_TERMINAL_ID;"
    "GV_TYP;GV_NAME;INHAUS;P_STORNO;AGENTUR_ID;ART_NR;GTIN;WARENGR_ID;WARENGR;MENGE;FAKTOR;"
    "EINHEIT;STK_BR"
).split(";")
DATAPAYMENT = (
    "Z_KASSE_ID;Z_ERSTELLUNG;Z_NR;BON_ID;ZAHLART_TYP;ZAHLART_NAME;ZAHLWAEH_CODE;"
    "ZAHLWAEH_BETRAG;BASISWAEH_BETRAG"
).split(";")
CASHPOINTCLOSING = (
    "Z_KASSE_ID;Z_ERSTELLUNG;Z_NR;Z_BUCHUNGSTAG;TAXONOMIE_VERSION;Z_START_ID;Z_ENDE_ID;NAME;"
    "STRASSE;PLZ;ORT;LAND;STNR;USTID;Z_SE_ZAHLUNGEN;Z_SE_BARZAHLUNGEN"
).split(";")
TABLES = (
    ("transactions.csv", "Bonkopf", TRANSACTIONS, ("BON_ID",)),
    ("lines.csv", "Bonpos", LINES, ("BON_ID", "POS_ZEILE")),
    ("datapayment.csv", "Bonkopf_Zahlarten", DATAPAYMENT, ("BON_ID", "ZAHLART_TYP")),
    ("cashpointclosing.csv", "Stamm_Abschluss", CASHPOINTCLOSING, ()),
)
# Fixed decimal places per numeric column (pretix: UMS_BRUTTO 2, STK_BR 5, MENGE 3).
_ACCURACY = {
    "UMS_BRUTTO": 2, "MENGE": 3, "FAKTOR": 3, "STK_BR": 5, "ZAHLWAEH_BETRAG": 2,
    "BASISWAEH_BETRAG": 2, "Z_SE_ZAHLUNGEN": 2, "Z_SE_BARZAHLUNGEN": 2,
}  # fmt: skip
_INTEGERS = frozenset({"Z_NR", "BON_NR", "BON_STORNO", "POS_ZEILE", "INHAUS", "P_STORNO"})
_DATETIMES = frozenset({"Z_ERSTELLUNG", "BON_START", "BON_ENDE"})

_ITEMS = Weighted((1, 2, 3, 4), (40, 35, 17, 8))
_PAYMENT = Weighted(
    (("Bar", "Bargeld"), ("Unbar", "girocard"), ("Unbar", "Kreditkarte")), (55, 35, 10)
)
RECEIPTS_PER_PERSON_DAY = 0.015  # per register
CARD_SHARE = 0.3  # receipts where the loyalty card is scanned
CARD_ADDRESS = 0.6  # card files the till prints the holder's address from
B2B_SHARE = 0.015  # invoices for firms
CODE_HOLDER_SHARE = 0.03  # anonymous receipts paid with a postcard's personal code
# (text, article number, GTIN, group id, group, unit price in cents)
ARTICLES = (
    ("Cappuccino", "GET-CAP", "4260123450109", "20", "Getränke", 350),
    ("Latte Macchiato", "GET-LAM", "4260123450116", "20", "Getränke", 390),
    ("Espresso", "GET-ESP", "4260123450123", "20", "Getränke", 220),
    ("Croissant", "BAC-CRO", "4260123450208", "30", "Backwaren", 250),
    ("Käsekuchen Stück", "BAC-KAE", "4260123450215", "30", "Backwaren", 380),
    ("Kaffeebohnen Espresso 1 kg", "KAF-ESP-1000", "4260123450017", "10", "Kaffee", 2995),
    ("Kaffeebohnen Crema 1 kg", "KAF-CRE-1000", "4260123450024", "10", "Kaffee", 2069),
    ("Ostfriesentee 250 g", "TEE-OFT-250", "4260123450307", "40", "Tee", 649),
)
_STAFF = (
    ("B03", "Kemal Yıldız"),
    ("B07", "Anja Meier"),
    ("B11", "Lena Brandt"),
    ("B12", "Jörg Kühn"),
)


@dataclass(frozen=True)
class Register:
    kasse_id: str
    zipped: bool
    first_z: int
    decimal: str
    grouping: str
    encoding: str  # "utf-8" (<UTF8/>) or "cp1252" (<ANSI/>)


REGISTERS = (
    Register("KASSE-01", False, 412, ",", ".", "utf-8"),
    Register("KASSE-02", True, 1187, ".", ",", "cp1252"),
)


@dataclass
class _Closing:
    """One register's Z closing being written: its rows and running totals."""

    register: Register
    z_nr: int
    created: str
    transactions: list[list[str]] = field(default_factory=list)
    lines: list[list[str]] = field(default_factory=list)
    payments: list[list[str]] = field(default_factory=list)
    total: int = 0
    cash: int = 0

    def amount(self, value: int, places: int) -> str:
        return fixed_point(
            value, places, decimal=self.register.decimal, grouping=self.register.grouping
        )


class Pos:
    """Both registers' daily closings; receipt numbers and Z numbers keep counting."""

    def __init__(
        self, people: list[Person], coupons: Coupons, seed: int, difficulty: Difficulty = NORMAL
    ) -> None:
        self.noise = difficulty.noise("pos_receipt")
        self.seed = seed
        self.rng = random.Random(f"{seed}:pos")
        self.people = people
        self.card_holders = [p for p in people if p.card]
        self.firms = [p for p in people if p.company]
        self.coupons = coupons
        self.bon_nr = {r.kasse_id: 88000 + 40000 * i for i, r in enumerate(REGISTERS)}
        self._firm_numbers: dict[int, str] = {}

    def write_day(
        self, landing: Path, day: ExportDay, people: int, ledger: Ledger, log: DayLog
    ) -> None:
        rng = self.rng
        for register in REGISTERS:
            closing_time = datetime.combine(day.day, datetime.min.time()).replace(
                hour=20, minute=15, second=rng.randrange(60)
            )
            closing = _Closing(register, register.first_z + day.index, closing_time.isoformat())
            count = max(3, round(people * RECEIPTS_PER_PERSON_DAY))
            for start in sorted(day.at(rng, 8, 20) for _ in range(count)):  # BON_NR follows time
                self._receipt(closing, start, day, ledger, log)
            name = f"pos_dsfinvk_{register.kasse_id}_{day.stamp}_Z{closing.z_nr:04d}"
            with Bundle(landing / name, zipped=register.zipped, stamp=closing_time) as bundle:
                self._write(bundle, closing, day)
            ledger.file("pos_dsfinvk")

    def _firm_number(self, person: Person) -> str:
        number = self._firm_numbers.get(person.pid)
        if number is None:
            number = str(40000 + 7 * len(self._firm_numbers) + self.rng.randint(1, 6))
            self._firm_numbers[person.pid] = number
        return number

    def _receipt(
        self, closing: _Closing, start: datetime, day: ExportDay, ledger: Ledger, log: DayLog
    ) -> None:
        rng, noise = self.rng, self.noise
        register = closing.register
        roll = rng.random()
        customer = [""] * 9  # KUNDE_NAME … BON_NOTIZ
        person: Person | None = None
        payer: Person | None = None  # who pays, known to the store or not
        invalid = False
        b2b = roll < B2B_SHARE and bool(self.firms)
        if b2b:
            person = payer = rng.choice(self.firms)
            place = person.address_on(day.index)
            customer = [
                person.company or "", self._firm_number(person), "Unternehmen",
                f"{place.street} {place.number}", place.postcode, place.city.name, "DEU",
                person.vat_id or "", f"Rechnung Nr. {day.day.year}-{rng.randint(1000, 9999)}",
            ]  # fmt: skip
        elif roll < B2B_SHARE + CARD_SHARE and self.card_holders:
            person = payer = rng.choice(self.card_holders)
            customer[1:3] = [person.card or "", "Kundenkarte"]
            invalid = rng.random() < noise.invalid
            card_file = random.Random(f"{self.seed}:card:{person.card}")  # the same per card
            first, last = person_name(person.first, person.last, card_file, noise)
            customer[0] = f"{last}, {first}" if card_file.random() < 0.75 else f"{first} {last}"
            if card_file.random() < CARD_ADDRESS or invalid:
                place = person.address_on(day.index)
                street = street_name(place.street, card_file, noise.street)
                customer[3:7] = [f"{street} {place.number}", place.postcode, place.city.name, "DEU"]
                if invalid:  # a mistyped postcode: a letter O for a digit, or six digits
                    code = place.postcode
                    customer[4] = rng.choice((f"{code[:2]}O{code[3:]}", f"{code}3"))
        elif roll < B2B_SHARE + CARD_SHARE + CODE_HOLDER_SHARE:
            payer = self.coupons.take_holder(rng)

        bon_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.bon_nr[register.kasse_id] += 1
        end = start + timedelta(seconds=rng.randint(20, 400))
        head = [register.kasse_id, closing.created, str(closing.z_nr), bon_id]
        terminal = rng.choice(("T1", "T2"))
        gross = 0
        line_no = 0
        for _ in range(_ITEMS.pick(rng)):
            text, number, gtin, group_id, group, price = rng.choice(ARTICLES)
            quantity = 10 if b2b else rng.choice((1, 1, 1, 2))
            line_no += 1
            gross += price * quantity
            closing.lines.append(head + [
                str(line_no), "", text, terminal, "Umsatz", "", "0", "0", "", number, gtin,
                group_id, group, closing.amount(quantity * 1000, 3), closing.amount(1000, 3),
                "Stück", closing.amount(price * 1000, 5),
            ])  # fmt: skip
        code = self._code(payer)
        if code:
            discount = gross * discount_percent(code) // 100
            line_no += 1
            closing.lines.append(head + [
                str(line_no), code, f"Gutschein {code}", terminal, "Rabatt", "", "0", "0", "",
                "", "", "10", "Kaffee", closing.amount(1000, 3), closing.amount(1000, 3),
                "Stück", closing.amount(-discount * 1000, 5),
            ])  # fmt: skip
            log.redeem(
                code,
                payer if payer and (payer.coupon == code or person is not None) else None,
                start,
                gross,
                receipt=(register.kasse_id, bon_id),
                source_id=person.card if person is not None and person.card else None,
            )
            gross -= discount
        staff_id, staff_name = rng.choice(_STAFF)
        cancelled = "1" if rng.random() < 0.005 else "0"
        closing.transactions.append(head + [
            str(self.bon_nr[register.kasse_id]), "Beleg", "", terminal, cancelled,
            naive_local(start), naive_local(end), staff_id, staff_name, closing.amount(gross, 2),
        ] + customer)  # fmt: skip
        if b2b:
            kind, label = "Unbar", "Rechnung"
        else:
            kind, label = _PAYMENT.pick(rng)
        closing.payments.append(head + [kind, label, "", "", closing.amount(gross, 2)])
        closing.total += gross
        closing.cash += gross if kind == "Bar" else 0
        ledger.row("pos_receipt", f"{register.kasse_id}:{bon_id}", person, invalid=invalid)

    def _code(self, payer: Person | None) -> str:
        rng = self.rng
        if payer is not None and payer.coupon and not payer.coupon_used and rng.random() < 0.8:
            payer.coupon_used = True
            return payer.coupon
        if payer is not None and payer.card and rng.random() < 0.05:
            return "TREUE20"  # the loyalty programme's own code
        return ""

    def _write(self, bundle: Bundle, closing: _Closing, day: ExportDay) -> None:
        register = closing.register
        renderer = LineRenderer(delimiter=";", lineterminator="\r\n")
        with bundle.member("index.xml") as handle:
            handle.write(index_xml(register, closing.z_nr))
        first = closing.transactions[0][3] if closing.transactions else ""
        last = closing.transactions[-1][3] if closing.transactions else ""
        master = [[
            register.kasse_id, closing.created, str(closing.z_nr), day.stamp, "2.3", first, last,
            "Beispiel Kaffeehaus GmbH", "Königstraße 12", "70173", "Stuttgart", "DEU",
            "99015/12345", "DE123456789", closing.amount(closing.total, 2),
            closing.amount(closing.cash, 2),
        ]]  # fmt: skip
        contents = {
            "transactions.csv": closing.transactions,
            "lines.csv": closing.lines,
            "datapayment.csv": closing.payments,
            "cashpointclosing.csv": master,
        }
        for name, _, header, _ in TABLES:
            with bundle.member(name, encoding=register.encoding) as handle:
                handle.write(renderer.render(header))
                for row in contents[name]:
                    handle.write(renderer.render(row))


def index_xml(register: Register, z_nr: int) -> str:
    """The GDPdU description of the tables, with this register's symbols and encoding."""
    tables = []
    for url, name, columns, keys in TABLES:
        primary = ("Z_KASSE_ID", "Z_ERSTELLUNG", "Z_NR", *keys)
        described = []
        for column in sorted(columns, key=lambda c: c not in primary):
            tag = "VariablePrimaryKey" if column in primary else "VariableColumn"
            described.append(f"        <{tag}><Name>{column}</Name>{_column_type(column)}</{tag}>")
        tables.append(
            f"""    <Table>
      <URL>{url}</URL>
      <Name>{name}</Name>
      {"<UTF8/>" if register.encoding == "utf-8" else "<ANSI/>"}
      <DecimalSymbol>{register.decimal}</DecimalSymbol>
      <DigitGroupingSymbol>{register.grouping}</DigitGroupingSymbol>
      <Range><From>2</From></Range>
      <VariableLength>
        <ColumnDelimiter>;</ColumnDelimiter>
        <RecordDelimiter>&#13;&#10;</RecordDelimiter>
        <TextEncapsulator>"</TextEncapsulator>
{chr(10).join(described)}
      </VariableLength>
    </Table>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE DataSet SYSTEM "gdpdu-01-09-2004.dtd">
<DataSet>
  <Version>1.0</Version>
  <DataSupplier>
    <Name>Beispiel Kaffeehaus GmbH</Name><Location>Stuttgart</Location><Comment>DSFinV-K</Comment>
  </DataSupplier>
  <Media>
    <Name>DSFinV-K Export {register.kasse_id} Z {z_nr}</Name>
{chr(10).join(tables)}
  </Media>
</DataSet>
"""


def _column_type(column: str) -> str:
    if column in _ACCURACY:
        return f"<Numeric><Accuracy>{_ACCURACY[column]}</Accuracy></Numeric>"
    if column in _INTEGERS:
        return "<Numeric/>"
    if column in _DATETIMES:
        return '<Date><Format>YYYY-MM-DD"T"hh:mm:ss</Format></Date>'
    if column == "Z_BUCHUNGSTAG":
        return "<Date><Format>YYYY-MM-DD</Format></Date>"
    return "<AlphaNumeric/>"
