"""Person derives sex and birth date from the ID; credit codes check their character."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fengqiao.registry.tests.factories import make_person, resident_id
from fengqiao.registry.validators import credit_code_check_char, credit_code_error

pytestmark = pytest.mark.django_db


def test_it_derives_sex_and_birth_date_from_the_id(town):
    person = make_person(town.grid_a, 1, birth=dt.date(1975, 6, 30))
    person.refresh_from_db()
    assert person.birth_date == dt.date(1975, 6, 30)
    assert person.sex == "male"  # order digit 1 is odd
    assert make_person(town.grid_a, 2).sex == "female"


def test_it_refuses_a_wrong_check_character(town):
    person = make_person(town.grid_a, 3)
    person.resident_id = person.resident_id[:17] + ("0" if person.resident_id[17] != "0" else "1")
    with pytest.raises(ValidationError):
        person.full_clean()


def test_a_known_credit_code_is_valid():
    assert credit_code_error("91350100M000100Y43") is None
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_error("91350100M000100Y44") is not None


def test_resident_ids_from_the_builder_are_valid():
    from fengqiao.core.validators import resident_id_error

    assert resident_id_error(resident_id(7)) is None
