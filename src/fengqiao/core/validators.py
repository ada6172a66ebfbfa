"""Validators for Chinese identifiers: resident ID numbers (GB 11643-1999) and phone numbers.

Both accept ASCII digits only: full-width or other Unicode digits are what copy-paste from office
documents produces, and storing them would break matching and masking later.
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_RESIDENT_ID = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
# Province-level prefixes of GB/T 2260. Older residents' county codes may no longer exist, so
# only the province is checked (python-stdnum checks the county and rejects real numbers).
_PROVINCES = frozenset(
    {
        *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"),
        *("65", "71", "81", "82"),
    }
)
_EARLIEST_BIRTH = dt.date(1890, 1, 1)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def normalize_resident_id(value: str) -> str:
    return value.strip().upper()


def resident_id_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def resident_id_error(value: str, *, today: dt.date | None = None) -> str | None:
    """Why `value` is not a valid 18-character resident ID, or None if it is."""
    value = normalize_resident_id(value)
    if not _RESIDENT_ID.fullmatch(value):
        return str(_("A resident ID has 17 digits followed by a digit or X."))
    if value[:2] not in _PROVINCES:
        return str(_("The first two digits are not a province code."))
    birth = resident_id_birth_date(value)
    today = today or dt.date.today()
    if birth is None or not (_EARLIEST_BIRTH <= birth <= today):
        return str(_("Digits 7 to 14 are not a possible birth date."))
    if resident_id_check_char(value[:17]) != value[17]:
        return str(_("The check character does not match; a digit may have been mistyped."))
    return None


def is_valid_resident_id(value: str) -> bool:
    return resident_id_error(value) is None


def validate_resident_id(value: str) -> None:
    error = resident_id_error(value)
    if error:
        raise ValidationError(error, code="invalid_resident_id")


def resident_id_sex(value: str) -> str:
    """'male' or 'female' from the order digit (the 17th)."""
    return "male" if int(value[16]) % 2 else "female"


_PHONE_CHARS = re.compile(r"[0-9+\- ()]+", re.ASCII)


def normalize_phone(value: str) -> str:
    """The phone number in E.164 form (+86...), or raise ValidationError."""
    raw = value.strip()
    if not raw or not _PHONE_CHARS.fullmatch(raw):
        raise ValidationError(_("Enter a phone number using the digits 0-9."), code="invalid_phone")
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("This is not a phone number."), code="invalid_phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This is not a valid phone number."), code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_phone(value: str) -> bool:
    try:
        normalize_phone(value)
    except ValidationError:
        return False
    return True


def validate_phone(value: str) -> None:
    normalize_phone(value)


_DIVISION_CODE = re.compile(r"[0-9]{12}", re.ASCII)


def validate_division_code(value: str) -> None:
    """A 12-digit statistical division code (统计用区划代码)."""
    if not _DIVISION_CODE.fullmatch(value) or value[:2] not in _PROVINCES:
        raise ValidationError(_("A division code has 12 digits and starts with a province code."))
