"""The field page (/field/), its service worker and its manifest: who gets them, and what they carry."""

from __future__ import annotations

import json

import pytest

from fengqiao.field.tests.conftest import logged_in
from fengqiao.registry.tests.factories import make_key_person, make_person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["worker_a", "watch_member"])
def test_it_renders_for_the_grid_roles(request, persona):
    response = logged_in(request.getfixturevalue(persona)).get("/field/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="viewport"' in html
    assert 'rel="manifest"' in html
    for testid in ("report-form", "visit-form", "search-form", "visits-due", "my-cases", "outbox-count"):
        assert f'data-testid="{testid}"' in html
    assert response.cookies.get("csrftoken")  # the script sends it back as X-CSRFToken
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("persona", ["clerk", "police", "mediator", "auditor"])
def test_other_roles_get_403(request, persona):
    assert logged_in(request.getfixturevalue(persona)).get("/field/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client, town):
    response = client.get("/field/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_shell_carries_no_personal_data(town, worker_a):
    """The service worker keeps the page for offline use, so it must not name anyone."""
    person = make_person(town.grid_a, 7, name="王秀兰", phone="+8613912345678")
    make_key_person(person, "left_behind_elderly")
    html = logged_in(worker_a).get("/field/").content.decode()
    assert "王秀兰" not in html
    assert person.resident_id not in html
    assert "worker_a" not in html


def test_the_shell_offers_the_kinds_and_categories(worker_a):
    from fengqiao.cases.models import Category

    Category.objects.create(kind="hazard", name="消防隐患")
    Category.objects.create(kind="hazard", name="停用分类", active=False)
    response = logged_in(worker_a).get("/field/")
    script = response.content.decode().split('id="field-config" type="application/json">')[1]
    config = json.loads(script.split("</script>")[0])
    assert config["kinds"][0]["value"] == "hazard"
    names = [category["name"] for category in config["categories"]]
    assert "消防隐患" in names and "停用分类" not in names


def test_the_service_worker_caches_only_the_shell(worker_a):
    response = logged_in(worker_a).get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/field/"' in body and "/static/field/app.js" in body
    assert "/api/" not in body  # API answers are never stored
    assert 'type === "logout"' in body


def test_the_manifest_makes_the_page_installable(client, town):
    response = client.get("/field/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == "/field/" and manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_grid_home_page_links_to_the_field_page(worker_a):
    page = logged_in(worker_a).get("/").content.decode()
    assert 'data-testid="home-field-link"' in page and 'href="/field/"' in page
