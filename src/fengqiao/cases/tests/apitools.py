"""Helpers of the case API tests (test_api_*.py): clients speaking English, and request shortcuts."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from fengqiao.cases.tests.conftest import POINT_A

CASES = "/api/v1/cases/"
ASSIGNMENTS = "/api/v1/assignments/"


def client_for(user: Any | None) -> APIClient:
    """An API client signed in as `user` (None: anonymous), asking for English messages."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def intake_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "appeal",
        "channel": "window",
        "title": "路灯不亮",
        "description": "村口路灯坏了一周",
        "lon": POINT_A[0],
        "lat": POINT_A[1],
        "address": "东沟村村口",
        "reporter_name": "张三",
        "reporter_phone": "13912345678",
    }
    body.update(fields)
    return body


def case_action(case_id: int, action: str) -> str:
    return f"{CASES}{case_id}/{action}/"


def assignment_action(assignment_id: int, action: str) -> str:
    return f"{ASSIGNMENTS}{assignment_id}/{action}/"
