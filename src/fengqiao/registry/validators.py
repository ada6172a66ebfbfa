"""Validator of the unified social credit code (统一社会信用代码, GB 32100-2015).

Kept here rather than in `core.validators` while only the registry uses it.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: GB 32100 alphabet: digits and the capitals without I, O, Z, S, V.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE = re.compile(rf"[{CREDIT_ALPHABET}]{{18}}", re.ASCII)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character (MOD 31) for the first 17 characters."""
    total = sum(
        CREDIT_ALPHABET.index(char) * weight for char, weight in zip(first17, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_error(value: str) -> str | None:
    """Why `value` is not a valid unified social credit code, or None if it is."""
    value = value.strip().upper()
    if not _CREDIT_CODE.fullmatch(value):
        return str(_("A unified social credit code has 18 digits or capital letters (no I, O, Z, S, V)."))
    if credit_code_check_char(value[:17]) != value[17]:
        return str(_("The check character of the credit code does not match."))
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")
