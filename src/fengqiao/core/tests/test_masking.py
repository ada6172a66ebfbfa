"""Masking of resident IDs, phones and names for users without `view_sensitive`."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from fengqiao.core.masking import mask_name, mask_phone, mask_resident_id
from fengqiao.core.validators import resident_id_birth_date, resident_id_check_char, resident_id_sex


def test_a_resident_id_keeps_the_area_and_the_check_character_only():
    assert mask_resident_id("62080219900101123X") == "620802***********X"


def _candidates(masked: str, *, year: int, sex: str) -> int:
    """How many valid IDs match a masked ID, a birth year and a sex: every date of the year,
    every order code of that sex, kept when the check character matches."""
    prefix, check = masked[:6], masked[-1]
    assert masked[6:-1] == "*" * 11
    parity = 1 if sex == "male" else 0
    day, count = dt.date(year, 1, 1), 0
    while day.year == year:
        head = f"{prefix}{day:%Y%m%d}"
        for order in range(parity, 1000, 2):
            if resident_id_check_char(f"{head}{order:03d}") == check:
                count += 1
        day += dt.timedelta(days=1)
    return count


def test_a_masked_id_with_birth_year_and_sex_leaves_at_least_ten_thousand_candidates():
    # A fictional ID: 620802, born 1960-08-12, order code 808 (even: female).
    first17 = "62080219600812808"
    full = first17 + resident_id_check_char(first17)
    candidates = _candidates(mask_resident_id(full), year=1960, sex="female")
    assert candidates >= 10_000
    # What the pages show beside it matches the real ID (it is among the candidates).
    assert resident_id_birth_date(full).year == 1960 and resident_id_sex(full) == "female"


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
    assert masked[6:17] == "*" * 11
    assert masked[:6] == value[:6] and masked[-1] == value[-1]


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_masked_mobiles_hide_the_middle_four(value):
    masked = mask_phone(f"+86{value}")
    assert masked == f"{value[:3]}****{value[-4:]}"


def test_reveal_masks_for_users_without_the_right_and_writes_nothing(clerk, town):
    from fengqiao.core.masking import reveal
    from fengqiao.core.models import AuditEvent

    assert reveal("62080219900101123X", kind="resident_id", viewer=clerk) == "620802***********X"
    assert reveal("+8613912345678", kind="phone", viewer=clerk) == "139****5678"
    assert reveal("", kind="phone", viewer=clerk) == ""
    assert not AuditEvent.objects.filter(action="sensitive.read").exists()


def test_reveal_shows_the_value_to_holders_of_the_right_and_audits_the_read(clerk, worker_a):
    from fengqiao.core.masking import reveal
    from fengqiao.core.models import AuditEvent

    clerk.view_sensitive = True
    clerk.save()
    assert (
        reveal("+8613912345678", kind="phone", viewer=clerk, obj=worker_a, field="phone") == "+8613912345678"
    )
    event = AuditEvent.objects.get(action="sensitive.read")
    assert (event.actor, event.object_id) == (clerk, str(worker_a.pk))
    assert event.changes == {"kind": "phone", "field": "phone"}
    assert "13912345678" not in str(event.changes)


def test_an_inactive_holder_of_the_right_sees_masked_values(clerk):
    from fengqiao.core.masking import reveal

    clerk.view_sensitive, clerk.is_active = True, False
    assert reveal("+8613912345678", kind="phone", viewer=clerk) == "139****5678"
