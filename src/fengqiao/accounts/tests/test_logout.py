"""Logging out wipes the browser's storage for the site (the field page's offline outbox)."""

from __future__ import annotations

from django.urls import reverse


def test_logout_ends_the_session_and_clears_site_data(client, worker_a):
    client.force_login(worker_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get(reverse("core:home")).status_code == 302  # back to the login page
