"""Issue 5: the first load of the field page stays under 300 KB over the wire.

Measured as a phone loads it: the page's HTML and every file it references (style, script,
manifest, icons, and the icons the manifest names), each gzip-compressed as whitenoise and the
web server serve them.
"""

from __future__ import annotations

import gzip
import json
import re

import pytest

from fengqiao.field.tests.conftest import logged_in

pytestmark = pytest.mark.django_db

BUDGET = 300 * 1024


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _wire(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def test_the_first_load_is_under_300_kb(worker_a, capsys):
    client = logged_in(worker_a)
    page = client.get("/field/")
    html = page.content
    sizes = {"/field/": _wire(html)}
    referenced = re.findall(rb'(?:src|href)="(/[^"]+)"', html)
    assert referenced, "the page references its assets"
    for url in {u.decode() for u in referenced}:
        response = client.get(url)
        assert response.status_code == 200, url
        data = _body(response)
        sizes[url] = _wire(data)
        if url.endswith(".webmanifest"):
            for icon in json.loads(data)["icons"]:
                icon_response = client.get(icon["src"])
                assert icon_response.status_code == 200
                sizes[icon["src"]] = _wire(_body(icon_response))
    # The page stands alone: no framework, no map library.
    assert not any("vendor/" in url for url in sizes), sizes
    assert {"/static/field/app.js", "/static/field/field.css", "/field/manifest.webmanifest"} <= set(sizes)
    total = sum(sizes.values())
    with capsys.disabled():
        print(f"\nfield page first load: {total / 1024:.1f} KB gzip over {len(sizes)} files")
    assert total < BUDGET, sizes


def test_the_service_worker_is_small_too(worker_a):
    assert _wire(logged_in(worker_a).get("/field/sw.js").content) < 5 * 1024
