"""Every demo login works with `fengqiao-demo` and lands on its role's home page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.core.queries import home_kind
from fengqiao.demo.town import demo_logins
from fengqiao.regions.models import Grid

LOGINS = [
    "admin",
    "clerk",
    "leader",
    "police",
    "judicial",
    "mediator",
    "auditor",
    *(f"duty{n:02d}" for n in range(1, 7)),
    *(f"worker{n:02d}" for n in range(1, 21)),
]
#: The home pages that matter most to tell apart; the others are whatever core gives the role.
DISTINCT_HOMES = {
    "admin": "core/home_admin.html",
    "police": "core/home_department.html",
    "judicial": "core/home_department.html",
    "auditor": "core/home_auditor.html",
    **{f"worker{n:02d}": "core/home_grid.html" for n in range(1, 21)},
}


def test_the_logins_are_the_documented_ones():
    assert [login.username for login in demo_logins()] == LOGINS


@pytest.mark.parametrize("username", LOGINS)
def test_each_demo_login_lands_on_its_home_page(demo_town, client, username):
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": "fengqiao-demo"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert response.wsgi_request.user.username == username
    templates = [t.name for t in response.templates]
    user = response.wsgi_request.user
    assert f"core/home_{home_kind(user)}.html" in templates
    if username in DISTINCT_HOMES:
        assert DISTINCT_HOMES[username] in templates


def test_people_without_a_login_cannot_log_in(demo_town, client):
    response = client.post(reverse("accounts:login"), {"username": "watch001", "password": "fengqiao-demo"})
    assert response.status_code == 200  # the form again, with its error
    assert not response.wsgi_request.user.is_authenticated


def test_worker07_sees_only_grid_7(demo_town, client):
    client.post(reverse("accounts:login"), {"username": "worker07", "password": "fengqiao-demo"})
    grid7, grid8 = Grid.objects.get(code="AG07"), Grid.objects.get(code="AG08")

    home = client.get(reverse("core:home"))
    assert list(home.context["my_grids"]) == [grid7]
    assert "杏园村网格" in home.content.decode()

    api = client.get("/api/v1/grids/")
    assert api.status_code == 200
    assert [grid["code"] for grid in api.json()["results"]] == ["AG07"]

    assert client.get(reverse("regions:grid_detail", args=[grid7.pk])).status_code == 200
    assert client.get(reverse("regions:grid_detail", args=[grid8.pk])).status_code == 404
    assert client.get(f"/api/v1/grids/{grid8.pk}/").status_code == 404
