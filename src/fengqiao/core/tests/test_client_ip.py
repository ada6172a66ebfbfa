"""The audit trail's "from where" behind trusted proxies, and never from a forged header."""

from __future__ import annotations

from django.test import RequestFactory

from fengqiao.core.middleware import client_ip


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_header_is_ignored(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request_from("10.0.0.9", "1.2.3.4")) == "10.0.0.9"


def test_behind_one_proxy_the_rightmost_entry_is_the_client(settings):
    settings.PROXY_COUNT = 1
    # The client forged "6.6.6.6"; nginx appended the address it really saw.
    assert client_ip(request_from("127.0.0.1", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_behind_two_proxies_the_second_from_the_right_is_the_client(settings):
    settings.PROXY_COUNT = 2
    assert client_ip(request_from("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_a_short_or_malformed_header_falls_back_to_the_peer(settings):
    settings.PROXY_COUNT = 2
    assert client_ip(request_from("127.0.0.1", "203.0.113.7")) == "127.0.0.1"
    settings.PROXY_COUNT = 1
    assert client_ip(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"
