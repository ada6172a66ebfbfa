"""Mediation fixtures on the shared personas: the judicial office's committee, builders of disputes."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from fengqiao.cases import sla as case_sla
from fengqiao.center.models import Room
from fengqiao.core import calendar
from fengqiao.mediation import services
from fengqiao.mediation.models import MediationOrganization
from fengqiao.testing import builders

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Fictional, valid resident IDs (GB 11643 check characters correct).
ID_APPLICANT = "620802198503150018"
ID_RESPONDENT = "620802197811020026"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english_and_policy(request: Any) -> Any:
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    calendar.seed_holidays([2026])
    case_sla.seed_default_policies()
    with translation.override("en"):
        yield


@pytest.fixture
def committee(town: Any, mediator: Any) -> MediationOrganization:
    org = MediationOrganization.objects.create(
        name="安国镇人民调解委员会", town=town.town, department=town.judicial_office, abbreviation="安人调"
    )
    org.members.add(mediator)
    return org


@pytest.fixture
def village_committee(town: Any) -> MediationOrganization:
    return MediationOrganization.objects.create(
        name="东沟村人民调解委员会", town=town.town, abbreviation="东沟人调"
    )


@pytest.fixture
def room(town: Any) -> Room:
    return Room.objects.create(town=town.town, name="知心姐姐调解室", purpose="mediation")


@pytest.fixture
def other_mediator(town: Any) -> Any:
    return builders.make_user("mediator2", "mediator", regions=[town.town])


def applicant(**fields: Any) -> dict[str, Any]:
    return {
        "role": "applicant",
        "name": "李春花",
        "resident_id": ID_APPLICANT,
        "phone": "13912345678",
        "occupation": "农民",
        "address": "东沟村一组",
        **fields,
    }


def respondent(**fields: Any) -> dict[str, Any]:
    return {
        "role": "respondent",
        "name": "王大山",
        "resident_id": ID_RESPONDENT,
        "phone": "13800001111",
        "occupation": "个体户",
        "address": "东沟村二组",
        **fields,
    }


def make_dispute(by: Any, organization: Any, *, parties: Any = None, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "dispute_type": "neighbour",
        "title": "宅前排水沟纠纷",
        "facts": "两家因排水沟走向发生争执",
        "source": "application",
        "amount": "3000",
    }
    values.update(fields)
    return services.register_dispute(
        by=by,
        organization=organization,
        parties=[applicant(), respondent()] if parties is None else parties,
        **values,
    )


TERMS = [
    {
        "content": "王大山将排水沟改至自家院墙外侧",
        "manner": "自行施工",
        "place": "东沟村二组",
        "due_on": "2026-12-15",
    },
    {
        "content": "王大山赔偿李春花损失人民币叁仟元",
        "manner": "现金支付",
        "place": "安国镇司法所",
        "due_on": "2026-12-01",
        "amount": "3000",
    },
]


def agree(dispute: Any, by: Any, **fields: Any) -> Any:
    values = {
        "terms": TERMS,
        "facts": "2026年10月，王大山修建排水沟，雨水流入李春花院内。",
        "points_in_dispute": "排水沟走向及损失赔偿；王大山负主要责任。",
    }
    values.update(fields)
    return services.record_agreement(dispute, by=by, **values)


#: The smallest well-formed PDF header a sniffer accepts (the dossier keeps it as it is).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def photo_with_gps(fmt: str = "JPEG") -> bytes:
    """A small photo carrying EXIF with a GPS position and a comment (fictional values)."""
    import io

    from PIL import Image

    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "FictionalCam"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, format="JPEG", exif=exif, comment=b"secret comment")
    else:
        image.save(buffer, format="PNG", exif=exif)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
