"""Resident IDs (GB 11643-1999) and phone numbers, as properties over generated numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from fengqiao.core import validators
from fengqiao.core.validators import (
    is_valid_phone,
    is_valid_resident_id,
    normalize_phone,
    resident_id_check_char,
    resident_id_sex,
    validate_division_code,
    validate_resident_id,
)

TODAY = dt.date.today()
PROVINCES = sorted(validators._PROVINCES)
ID_CHARS = "0123456789X"
# The same digit in other scripts: full-width (office documents), Arabic-Indic, Extended
# Arabic-Indic, Devanagari, Bengali, mathematical bold. All are str.isdigit(), none is ASCII.
DIGIT_ZEROS = [0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x1D7CE]


def foreign_digit(ascii_digit: str, zero: int) -> str:
    return chr(zero + int(ascii_digit))


def make_id(province: str, county: str, birth: dt.date, sequence: int) -> str:
    first17 = f"{province}{county}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


resident_ids = st.builds(
    make_id,
    st.sampled_from(PROVINCES),
    st.from_regex(r"\A[0-9]{4}\Z"),
    st.dates(min_value=dt.date(1890, 1, 1), max_value=TODAY),
    st.integers(0, 999),
)


@given(resident_ids)
@example("11010519491231002X")  # the standard's own example
def test_generated_resident_ids_pass(value):
    assert is_valid_resident_id(value)
    validate_resident_id(value)


@given(resident_ids, st.integers(0, 17), st.sampled_from(ID_CHARS))
def test_any_single_changed_character_fails(value, position, replacement):
    assume(value[position] != replacement)
    changed = value[:position] + replacement + value[position + 1 :]
    assert not is_valid_resident_id(changed)


@given(resident_ids, st.integers(0, 15))
def test_swapping_two_neighbouring_digits_fails(value, position):
    assume(value[position] != value[position + 1])
    swapped = value[:position] + value[position + 1] + value[position] + value[position + 2 :]
    assert not is_valid_resident_id(swapped)


@given(resident_ids, st.data())
def test_non_ascii_digits_fail(value, data):
    position = data.draw(st.integers(0, 16))
    zero = data.draw(st.sampled_from(DIGIT_ZEROS))
    one_foreign = value[:position] + foreign_digit(value[position], zero) + value[position + 1 :]
    assert one_foreign[position].isdigit()
    assert not is_valid_resident_id(one_foreign)
    all_foreign = "".join(foreign_digit(c, zero) if c != "X" else c for c in value)
    assert not is_valid_resident_id(all_foreign)


@pytest.mark.parametrize(
    "birth",
    [
        "19000229",  # 1900 was not a leap year
        "20230229",
        "19900230",
        "19901301",
        "19900001",
        "19900100",
        "19900431",
        "18891231",  # before the earliest plausible birth
        (TODAY + dt.timedelta(days=1)).strftime("%Y%m%d"),  # born tomorrow
        "99991231",
    ],
)
def test_impossible_birth_dates_fail_even_with_a_right_check_character(birth):
    first17 = f"620802{birth}123"
    value = first17 + resident_id_check_char(first17)
    assert not is_valid_resident_id(value)
    with pytest.raises(ValidationError) as excinfo:
        validate_resident_id(value)
    assert excinfo.value.code == "invalid_resident_id"


@pytest.mark.parametrize("prefix", ["00", "10", "19", "66", "99"])
def test_unknown_province_codes_fail(prefix):
    first17 = f"{prefix}0802199001011234"[:17]
    assert not is_valid_resident_id(first17 + resident_id_check_char(first17))


@pytest.mark.parametrize("value", ["", "11010519491231002", "11010519491231002X0", "1101051949123100 2X"])
def test_wrong_lengths_and_inner_spaces_fail(value):
    assert not is_valid_resident_id(value)


def test_a_lowercase_x_and_surrounding_spaces_are_accepted():
    assert is_valid_resident_id(" 11010519491231002x ")


def test_sex_comes_from_the_seventeenth_digit():
    assert resident_id_sex("11010519491231002X") == "female"
    assert resident_id_sex("110105194912310031") == "male"


# Mobile prefixes that are fully allocated in libphonenumber's metadata for China.
MOBILE_PREFIXES = [
    *range(130, 140),
    *(150, 151, 152, 153, 155, 156, 157, 158, 159),
    *range(180, 190),
    *(190, 191, 192, 193, 195, 196, 197, 198, 199),
]
mobiles = st.builds(
    lambda p, rest: f"{p}{rest:08d}", st.sampled_from(MOBILE_PREFIXES), st.integers(0, 10**8 - 1)
)
# Fixed lines: area code (Pingliang 0933, Lanzhou 0931, Shenzhen 0755) and a local number that
# does not start with 0, 1 or 9.
fixed_lines = st.builds(
    lambda area, first, rest: f"{area}{first}{rest:06d}" if area != "0755" else f"{area}{first}{rest:07d}",
    st.sampled_from(["0933", "0931", "0755"]),
    st.sampled_from("2345678"),
    st.integers(0, 999_999),
)


@given(mobiles)
def test_generated_mobile_numbers_pass_in_every_usual_writing(number):
    assert normalize_phone(number) == f"+86{number}"
    assert is_valid_phone(f"+86 {number[:3]} {number[3:7]} {number[7:]}")
    assert is_valid_phone(f"{number[:3]}-{number[3:7]}-{number[7:]}")


@given(fixed_lines)
def test_generated_fixed_lines_pass(number):
    assert normalize_phone(number) == f"+86{number[1:]}"
    assert is_valid_phone(f"({number[:4]}) {number[4:]}")


@given(st.one_of(mobiles, fixed_lines), st.data())
def test_any_non_ascii_digit_fails(number, data):
    position = data.draw(st.integers(0, len(number) - 1))
    zero = data.draw(st.sampled_from(DIGIT_ZEROS))
    changed = number[:position] + foreign_digit(number[position], zero) + number[position + 1 :]
    assert not is_valid_phone(changed)
    with pytest.raises(ValidationError):
        normalize_phone(changed)


@given(mobiles, st.integers(1, 4), st.booleans())
def test_mobile_numbers_of_the_wrong_length_fail(number, count, longer):
    changed = number + number[:count] if longer else number[:-count]
    assert not is_valid_phone(changed)


@pytest.mark.parametrize("value", ["", "   ", "abc", "139l2345678", "+86 139 1234 567８", "110", "12345"])
def test_junk_is_not_a_phone(value):
    assert not is_valid_phone(value)


def test_division_codes():
    validate_division_code("620802101000")
    for bad in ("62080210100", "6208021010001", "990802101000", "６２０８０２１０１０００"):
        with pytest.raises(ValidationError):
            validate_division_code(bad)
