from django.urls import reverse


def test_it_reports_health(client, db):
    response = client.get(reverse("core:health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_it_sends_anonymous_users_to_login(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_each_role_gets_its_home_page(client, clerk, worker_a, police):
    for user, marker in ((clerk, "Center workbench"), (worker_a, "东沟村网格"), (police, "安国派出所")):
        client.force_login(user)
        response = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert marker in response.content.decode()
