"""Village liaisons page: villages with their liaison leaders and cadres; administrators edit."""

from __future__ import annotations

from django.urls import reverse

from fengqiao.center.tests.conftest import audit_rows

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_villages_are_listed_with_their_liaisons(client, town, clerk, leader, duty_leader):
    town.village_a.liaison_leaders.set([leader])
    town.village_a.liaison_cadres.set([clerk, duty_leader])
    client.force_login(clerk)
    response = client.get(reverse("center:liaison_list"))
    page = response.content.decode()
    assert [v.name for v in response.context["villages"]] == ["东沟村", "西沟村"]
    assert "leader" in page and "值班甲" in page
    assert reverse("center:liaison_edit", args=[town.village_a.pk]) not in page


def test_a_grid_worker_sees_only_their_village(client, town, worker_b):
    client.force_login(worker_b)
    response = client.get(reverse("center:liaison_list"))
    assert [v.name for v in response.context["villages"]] == ["西沟村"]


def test_the_liaison_list_has_a_fixed_number_of_queries(client, town, clerk, django_assert_max_num_queries):
    from fengqiao.testing import builders

    for i in range(10):
        builders.make_region(f"6208021012{10 + i}", f"村{i}", "village", parent=town.town)
    client.force_login(clerk)
    with django_assert_max_num_queries(12):  # shell (session, user, scope, duty) + 3 for the list
        response = client.get(reverse("center:liaison_list"))
    assert len(response.context["villages"]) == 12


def test_non_administrators_get_403_on_the_edit_page(client, town, clerk, leader):
    client.force_login(clerk)
    url = reverse("center:liaison_edit", args=[town.village_a.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"leaders": [leader.pk]}).status_code == 403
    assert not town.village_a.liaison_leaders.exists()


def test_an_administrator_sets_the_liaisons(client, town, administrator, leader, clerk, worker_a):
    client.force_login(administrator)
    url = reverse("center:liaison_edit", args=[town.village_a.pk])
    page = client.get(url).content.decode()
    assert worker_a.username not in page  # grid workers are not town cadres
    response = client.post(url, {"leaders": [leader.pk], "cadres": [clerk.pk]})
    assert response.status_code == 302
    assert list(town.village_a.liaison_leaders.all()) == [leader]
    [row] = audit_rows("village.liaisons")
    assert row.changes["liaison_cadres"] == {"added": ["clerk"], "removed": []}


def test_an_ineligible_person_is_refused_and_nothing_saved(client, town, administrator, leader, worker_a):
    client.force_login(administrator)
    url = reverse("center:liaison_edit", args=[town.village_a.pk])
    response = client.post(url, {"leaders": [leader.pk], "cadres": [worker_a.pk]}, **EN)
    assert response.status_code == 200
    assert "cadres" in response.context["form"].errors
    assert not town.village_a.liaison_leaders.exists()
    assert not audit_rows("village.liaisons")


def test_a_town_is_not_a_village_here(client, town, administrator):
    client.force_login(administrator)
    assert client.get(reverse("center:liaison_edit", args=[town.town.pk])).status_code == 404
