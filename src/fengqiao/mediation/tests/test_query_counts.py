"""The dispute list page, the API list and the statistics page cost the same with 2 or 8 disputes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fengqiao.testing.builders import api_client

from .conftest import agree, make_dispute

pytestmark = pytest.mark.django_db


def queries(fetch) -> int:
    with CaptureQueriesContext(connection) as context:
        response = fetch()
    assert response.status_code == 200
    return len(context.captured_queries)


def test_list_pages_do_not_grow_with_the_disputes(client, clerk, mediator, committee):
    client.force_login(clerk)
    api = api_client(clerk)
    pages = {
        "list": lambda: client.get(reverse("mediation:dispute_list")),
        "statistics": lambda: client.get(reverse("mediation:statistics")),
        "api": lambda: api.get("/api/v1/disputes/"),
        "workbench": lambda: client.get(reverse("mediation:workbench")),
    }
    for _ in range(2):
        agree(make_dispute(mediator, committee), mediator)
    for fetch in pages.values():
        fetch()  # warm: the session, the calendar and the user's scope are cached after this
    before = {name: queries(fetch) for name, fetch in pages.items()}
    for _ in range(6):
        agree(make_dispute(mediator, committee), mediator)
    after = {name: queries(fetch) for name, fetch in pages.items()}
    assert after == before
