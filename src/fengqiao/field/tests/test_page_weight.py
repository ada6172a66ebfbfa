"""Issue 5: the first load of the field page stays under 300 KB over the wire.

Measured as a phone loads it, through the real middleware (whitenoise for the static files): the
page's HTML and every file it references (style, script, manifest, icons, and the icons the
manifest names), each requested with `Accept-Encoding: gzip` and counted as the bytes the server
sends (compressed when it compresses, as is otherwise), headers left out.
"""

from __future__ import annotations

import gzip
import json
import re

import pytest

from fengqiao.field.tests.conftest import logged_in

pytestmark = pytest.mark.django_db

BUDGET = 300 * 1024
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def _sent(response) -> bytes:
    """The body as it leaves the server (streamed or not)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _decoded(response, body: bytes) -> bytes:
    return gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body


def test_the_first_load_is_under_300_kb(worker_a, capsys):
    client = logged_in(worker_a)
    page = client.get("/field/", **GZIP)
    assert page.status_code == 200
    sent = _sent(page)
    html = _decoded(page, sent)
    sizes = {"/field/": len(sent)}
    encodings = {"/field/": page.get("Content-Encoding", "")}
    referenced = re.findall(rb'(?:src|href)="(/[^"]+)"', html)
    assert referenced, "the page references its assets"
    for url in {u.decode() for u in referenced}:
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        body = _sent(response)
        sizes[url], encodings[url] = len(body), response.get("Content-Encoding", "")
        if url.endswith(".webmanifest"):
            for icon in json.loads(_decoded(response, body))["icons"]:
                icon_response = client.get(icon["src"], **GZIP)
                assert icon_response.status_code == 200
                sizes[icon["src"]] = len(_sent(icon_response))
                encodings[icon["src"]] = icon_response.get("Content-Encoding", "")
    # The page stands alone: no framework, no map library.
    assert not any("vendor/" in url for url in sizes), sizes
    assert {"/static/field/app.js", "/static/field/field.css", "/field/manifest.webmanifest"} <= set(sizes)
    # The pages the app itself writes go out compressed (static files as whitenoise serves them).
    assert encodings["/field/"] == encodings["/field/manifest.webmanifest"] == "gzip", encodings
    total = sum(sizes.values())
    with capsys.disabled():
        detail = ", ".join(
            f"{url} {size / 1024:.1f} KB {encodings[url] or 'identity'}"
            for url, size in sorted(sizes.items())
        )
        print(f"\nfield page first load: {total / 1024:.1f} KB over the wire, {len(sizes)} files ({detail})")
    assert total < BUDGET, sizes


def test_the_service_worker_is_small_too(worker_a):
    response = logged_in(worker_a).get("/field/sw.js", **GZIP)
    assert len(_sent(response)) < 5 * 1024
