"""Masking of resident IDs, phones and names for users without `view_sensitive`."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fengqiao.core.masking import mask_name, mask_phone, mask_resident_id


def test_a_resident_id_keeps_the_area_and_the_last_four():
    assert mask_resident_id("62080219900101123X") == "620802********123X"


def test_a_mobile_keeps_the_prefix_and_the_last_four():
    assert mask_phone("+8613912345678") == "139****5678"
    assert mask_phone("13912345678") == "139****5678"


def test_short_values_are_masked_completely():
    assert mask_resident_id("123456789") == "*********"
    assert mask_phone("+86123456") == "******"
    assert mask_resident_id("") == ""


def test_a_name_keeps_its_first_character():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("李") == "李"
    assert mask_name("") == ""


@given(st.from_regex(r"\A[0-9]{17}[0-9X]\Z"))
def test_masked_ids_keep_their_length_and_hide_the_birth_date(value):
    masked = mask_resident_id(value)
    assert len(masked) == len(value)
    assert masked[6:14] == "*" * 8
    assert sum(c != "*" for c in masked) == 10


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_masked_mobiles_hide_the_middle_four(value):
    masked = mask_phone(f"+86{value}")
    assert masked == f"{value[:3]}****{value[-4:]}"
