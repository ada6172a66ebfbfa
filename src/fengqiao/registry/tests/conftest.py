from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from fengqiao.registry.tests.factories import make_household, make_key_person, make_person, make_place


@dataclass
class Data:
    person_a: Any
    person_b: Any
    place_a: Any
    place_b: Any
    household_a: Any
    elderly_a: Any  # a key person in a plain category
    corrected_a: Any  # a key person in a sensitive category
    elderly_b: Any


@pytest.fixture
def data(town) -> Data:
    household_a = make_household(town.grid_a, "HA-001", address="东沟村三组12号院")
    person_a = make_person(
        town.grid_a,
        11,
        name="王秀兰",
        phone="+8613912345678",
        address="东沟村三组12号",
        household=household_a,
    )
    person_b = make_person(town.grid_b, 12, name="李建国", phone="+8613887654321", address="西沟村一组5号")
    other_a = make_person(town.grid_a, 13, name="赵大山")
    place_a = make_place(town.grid_a, "东沟小学", kind="school", address="东沟村村委会旁")
    place_b = make_place(town.grid_b, "西沟集市", kind="market", address="西沟村路口")
    return Data(
        person_a=person_a,
        person_b=person_b,
        place_a=place_a,
        place_b=place_b,
        household_a=household_a,
        elderly_a=make_key_person(person_a, "left_behind_elderly"),
        corrected_a=make_key_person(other_a, "community_correction"),
        elderly_b=make_key_person(person_b, "left_behind_elderly"),
    )


@pytest.fixture(autouse=True)
def _fresh_search_limits() -> Any:
    """The full-ID search limit lives in the cache, keyed by user id, which tests reuse."""
    cache.clear()
    yield
    cache.clear()
