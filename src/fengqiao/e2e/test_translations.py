"""The Chinese catalog is complete and compiled, and pages speak Chinese first, English on request."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

CATALOG_DIR = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-+ #0]*\d*(?:\.\d+)?[sdfr]|\{[a-z_]*\}")


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def read_po(path: Path) -> list[dict[str, object]]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list) and flags."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry: dict[str, object] = {"flags": [], "msgstr": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] = [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if field == "msgstr":
                    entry["msgstr"][-1] += _unquote(line)  # type: ignore[index]
                else:
                    entry[field] += _unquote(line)  # type: ignore[operator]
            else:
                keyword, _space, value = line.partition(" ")
                field = "msgstr" if keyword.startswith("msgstr") else keyword
                if field == "msgstr":
                    entry["msgstr"].append(_unquote(value))  # type: ignore[attr-defined]
                else:
                    entry[field] = _unquote(value)
        entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[dict[str, object]]:
    return [entry for entry in read_po(CATALOG_DIR / "django.po") if entry["msgid"]]


def test_the_catalog_is_not_empty(entries):
    assert len(entries) > 100


def test_every_message_is_translated_and_none_is_fuzzy(entries):
    untranslated = [entry["msgid"] for entry in entries if not all(entry["msgstr"])]
    fuzzy = [entry["msgid"] for entry in entries if "fuzzy" in entry["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_translations_keep_every_placeholder(entries):
    for entry in entries:
        expected = sorted(PLACEHOLDER.findall(str(entry["msgid"])))
        for msgstr in entry["msgstr"]:  # type: ignore[attr-defined]
            assert sorted(PLACEHOLDER.findall(msgstr)) == expected, entry["msgid"]


def test_translations_are_chinese(entries):
    # A msgstr copied from the msgid would pass the completeness test. Only messages with no
    # words of their own (such as "%(day)s: %(error)s") may come out without Chinese.
    latin_only = [
        entry["msgid"]
        for entry in entries
        if re.search(r"[A-Za-z]", PLACEHOLDER.sub("", str(entry["msgid"])))
        and not any(re.search(r"[\u4e00-\u9fff]", msgstr) for msgstr in entry["msgstr"])  # type: ignore[attr-defined]
    ]
    assert latin_only == []


def test_the_compiled_catalog_matches_the_po_file(entries):
    # The .mo is committed so installs need no gettext; it must not lag behind the .po.
    with (CATALOG_DIR / "django.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    for entry in entries:
        msgid = str(entry["msgid"])
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            assert compiled.ngettext(msgid, str(entry["msgid_plural"]), 1) == entry["msgstr"][0]  # type: ignore[index]
        else:
            assert compiled.gettext(msgid) == entry["msgstr"][0], msgid  # type: ignore[index]


def test_the_login_page_speaks_chinese_by_default(client, db):
    response = client.get(reverse("accounts:login"))
    page = response.content.decode()
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert '<html lang="zh-hans">' in page
    assert "登录综治中心" in page
    assert "用户名" in page
    assert "密码" in page
    assert 'data-testid="language-en"' in page
    # The switch names each language in itself, not in the page's language ("英语").
    assert re.search(r'data-testid="language-en"[^>]*>English</button>', page)
    assert "Log in to the governance center" not in page


def test_a_chinese_browser_gets_chinese(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "登录综治中心" in page


def test_an_english_browser_gets_english(client, db):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in page
    assert "Log in to the governance center" in page
    assert "Username" in page
    assert re.search(r'data-testid="language-zh-hans"[^>]*>简体中文</button>', page)
    assert "登录综治中心" not in page


def test_the_language_switch_sets_english_and_back(client, db):
    login = reverse("accounts:login")
    response = client.post(reverse("set_language"), {"language": "en", "next": login})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Log in to the governance center" in client.get(login).content.decode()

    client.post(reverse("set_language"), {"language": "zh-hans", "next": login})
    # The cookie wins over the browser's language.
    page = client.get(login, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "登录综治中心" in page


def test_the_shell_of_a_logged_in_page_is_chinese(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("core:home")).content.decode()
    for text in ("首页", "网格地图", "今日值班领导", "退出登录", "窗口受理员"):
        assert text in page
