"""Builders for registry tests: fictional persons with valid resident IDs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fengqiao.core.validators import resident_id_check_char
from fengqiao.registry import sla
from fengqiao.registry.models import Household, KeyPerson, Person, Place


def resident_id(seq: int, *, birth: dt.date = dt.date(1980, 1, 1), prefix: str = "620802") -> str:
    """A valid 18-character resident ID; `seq` (0..999) gives the order digits."""
    first17 = f"{prefix}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def make_person(grid: Any, seq: int, **fields: Any) -> Person:
    birth = fields.pop("birth", dt.date(1980, 1, 1) + dt.timedelta(days=seq // 1000))
    values = {"name": f"测试{seq}", "resident_id": resident_id(seq, birth=birth), "grid": grid}
    values.update(fields)
    person = Person(**values)
    person.save()
    return person


def make_household(grid: Any, number: str, **fields: Any) -> Household:
    return Household.objects.create(number=number, grid=grid, **fields)


def make_place(grid: Any, name: str, **fields: Any) -> Place:
    return Place.objects.create(name=name, grid=grid, **fields)


def make_key_person(person: Person, category: str, **fields: Any) -> KeyPerson:
    key_person = KeyPerson(person=person, category=category, **fields)
    sla.schedule(key_person, since=fields.get("last_visit_at") or timezone.now())
    key_person.save()
    return key_person
