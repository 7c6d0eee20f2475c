"""The Annotated field types and the ValidationError -> quarantine reasons conversion."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from schemas.errors import RowRejected
from schemas.types import (
    Amount,
    BirthDate,
    CardNumber,
    CountryCode,
    CouponCode,
    Email,
    PersonName,
    PhoneE164,
    PostalCode,
    UtcDateTime,
)


class Contact(BaseModel):
    email: Email = None
    phone: PhoneE164 = None
    postal_code: PostalCode = None
    country: CountryCode = None
    first_name: PersonName = None
    birth_date: BirthDate = None
    seen_at: UtcDateTime = None
    amount: Amount = None
    coupon: CouponCode = None
    card: CardNumber = None


def test_types_normalize() -> None:
    contact = Contact.model_validate(
        {
            "email": "J.Weiss@web.de",
            "phone": "0151 12345678",
            "postal_code": "'01067",
            "country": "DEU",
            "first_name": "JÜRGEN",
            "birth_date": "14.03.1978",
            "seen_at": "2024-05-01 09:58:12 +0200",
            "amount": "84.80",
            "coupon": "sommer15-7q2x",
            "card": " K-004711 ",
        }
    )
    assert contact == Contact(
        email="j.weiss@web.de",
        phone="+4915112345678",
        postal_code="01067",
        country="DE",
        first_name="Jürgen",
        birth_date=date(1978, 3, 14),
        seen_at=datetime(2024, 5, 1, 7, 58, 12, tzinfo=UTC),
        amount=Decimal("84.80"),
        coupon="SOMMER15-7Q2X",
        card="K-004711",
    )


def test_blank_values_are_none() -> None:
    blank = Contact.model_validate({name: "" for name in Contact.model_fields})
    assert blank == Contact()


def test_extension_is_none() -> None:
    assert Contact(phone="101").phone is None  # internal extension, no error


def test_repairs_are_reported_in_the_context() -> None:
    flags: set[str] = set()
    contact = Contact.model_validate(
        {"email": "j.weiss@web,de", "postal_code": "1067", "phone": "1511234567"},
        context={"quality_flags": flags},
    )
    assert (contact.email, contact.postal_code) == ("j.weiss@web.de", "01067")
    assert flags == {
        "email_repaired",
        "plz_zero_restored",
        "phone_zero_restored",
        "phone_unverified",
    }


def test_month_day_is_no_birth_date() -> None:
    with pytest.raises(ValidationError, match="'03/14' has no year"):
        Contact(birth_date="03/14")


def test_validation_error_becomes_one_line_per_field() -> None:
    with pytest.raises(ValidationError) as info:
        Contact.model_validate({"email": "foo@", "phone": "abc", "postal_code": "ABCDE"})
    rejected = RowRejected.from_validation_error(info.value)
    assert rejected.reasons == [
        "email: 'foo@' is not a valid email address (there must be something after the @-sign)",
        "phone: 'abc' is not a phone number (the string supplied did not seem to be a phone "
        "number)",
        "postal_code: 'ABCDE' is not a German postal code (5 digits)",
    ]
    assert str(rejected) == "; ".join(rejected.reasons)


def test_validation_error_lines_name_the_input_when_pydantic_does_not() -> None:
    class Typed(BaseModel):
        count: int
        when: date | None = None

    with pytest.raises(ValidationError) as info:
        Typed.model_validate({"count": "viele", "when": "gestern"})
    reasons = RowRejected.from_validation_error(info.value).reasons
    assert len(reasons) == 2  # one line per field, union branches collapsed
    assert reasons[0].startswith("count: ") and "'viele'" in reasons[0]
    assert reasons[1].startswith("when: ") and "'gestern'" in reasons[1]
