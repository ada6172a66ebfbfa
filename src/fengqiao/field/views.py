"""The field pages (外勤): one light page for phones, its service worker and its web app manifest.

The page is an app shell: it carries no personal data, only the form choices and the interface's
words, so the service worker may keep it for offline use. Everything about people and cases
comes from the API at run time and is never cached (see static/field/sw.js).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from fengqiao.cases.models import Category, Kind
from fengqiao.field.queries import uses_field_pages
from fengqiao.registry.models import KeyPerson

#: The static files of the app shell: cached by the service worker on install.
SHELL_ASSETS = (
    "field/app.js",
    "field/field.css",
    "field/icons/icon-192.png",
    "field/icons/icon-512.png",
)
#: Kinds a grid worker reports from the field, most frequent first.
FIELD_KINDS = (Kind.HAZARD, Kind.DISPUTE, Kind.APPEAL, Kind.OPINION, Kind.PETITION, Kind.CONSULTATION)


def _js_strings() -> dict[str, str]:
    """The words the script shows, translated here so the page needs no catalogue request."""
    return {
        "online": _("Online"),
        "offline": _("Offline: reports, visits and patrols are kept on this phone"),
        "pending": _("Waiting to send: %(count)s"),
        "sent": _("All sent"),
        "sending": _("Sending…"),
        "queued": _("Saved on this phone; it will be sent when the network returns."),
        "sentReport": _("Report sent: case %(number)s"),
        "sentVisit": _("Visit recorded."),
        "failed": _("Not sent: %(detail)s"),
        "loginAgain": _("Your session has ended: log in again to send what is waiting."),
        "locating": _("Finding your position…"),
        "located": _("Grid: %(grid)s"),
        "outsideGrids": _("This position lies outside your grids."),
        "noPosition": _("No position: the center will place the report."),
        "locateLater": _("Position kept; the grid is found when the report is sent."),
        "noResults": _("Nothing found."),
        "nothing": _("Nothing to do here."),
        "needsNetwork": _("Shown when the network returns."),
        "dueBy": _("due %(date)s"),
        "photos": _("%(count)s photo(s) ready"),
        "loadFailed": _("Could not load: check the network."),
        "chooseKeyPerson": _("Choose a key person"),
        "confirmLogout": _("Log out and delete everything kept on this phone, unsent items included?"),
        "unsentWarning": _("%(count)s item(s) have not been sent yet."),
        "person": _("Person"),
        "place": _("Place"),
        "visit": _("Visit"),
        "report": _("Report"),
        "verify": _("Verify"),
        "screening": _("Screening report"),
        "noPatrol": _("Not on patrol."),
        "onPatrol": _("On patrol in %(grid)s since %(time)s; check-ins: %(count)s"),
        "checkedIn": _("Checked in."),
        "patrolEnded": _("Patrol ended."),
        "patrolStart": _("Patrol start"),
        "patrolCheckin": _("Check-in"),
        "patrolEnd": _("Patrol end"),
        "patrolStarted": _("Patrol started."),
        "patrolNotStarted": _("The patrol was not started on the server: discard this step."),
    }


@cache
def _asset_digest() -> str:
    """A short digest of the shell's files: a new release gets a new service-worker cache."""
    digest = hashlib.sha256()
    for name in SHELL_ASSETS:
        path = finders.find(name)
        if path:
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


def _require_field_user(request: HttpRequest) -> None:
    if not uses_field_pages(request.user):
        raise PermissionDenied(_("The field pages are for grid workers and watch members."))


# The field pages compress themselves (the project runs no GZipMiddleware; static files are
# compressed by whitenoise in production): on a village network every KB of the first load counts.
# Django's gzip pads with random bytes against BREACH, which matters here: the page holds a CSRF token.
@gzip_page
@login_required
@require_GET
@never_cache
@ensure_csrf_cookie
def field_page(request: HttpRequest) -> HttpResponse:
    """The phone page: today's to-do, a quick report, a visit and a search (one page, four tabs)."""
    _require_field_user(request)
    categories = (
        Category.objects.active()
        .select_related("parent")
        .order_by("kind", F("parent_id").asc(nulls_first=True), "position", "name")
    )
    config: dict[str, Any] = {
        "kinds": [{"value": kind.value, "label": str(kind.label)} for kind in FIELD_KINDS],
        "categories": [
            {"id": category.pk, "kind": category.kind, "name": str(category)} for category in categories
        ],
        "keyPersonCategories": {value: str(label) for value, label in KeyPerson.Category.choices},
        "csrfCookie": settings.CSRF_COOKIE_NAME,
        "strings": _js_strings(),
        "urls": {
            "today": reverse("field:api_today"),
            "cases": reverse("case-list"),
            "photos": reverse("field:api_photos", args=[0]),
            "visits": reverse("registry-visit-list"),
            "patrols": reverse("registry-patrol-list"),
            "keyPersons": reverse("registry-keyperson-list"),
            "search": reverse("registry-search-list"),
            "locate": reverse("grid-locate"),
            "logout": reverse("accounts:logout"),
            "login": reverse("accounts:login"),
            "serviceWorker": reverse("field:service_worker"),
            "caseDetail": reverse("cases:case_detail", args=[0]),
            "scope": reverse("field:home"),
        },
    }
    return render(request, "field/field_page.html", {"config": config})


@gzip_page
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, rendered so that it names the shell's (possibly hashed) static URLs.

    Served from /field/ so that its scope is the field pages and nothing else; never cached by
    the browser's HTTP cache, so a new release is picked up on the next visit.
    """
    response = render(
        request,
        "field/sw.js",
        {
            "version": _asset_digest(),
            "shell_url": reverse("field:home"),
            "manifest_url": reverse("field:manifest"),
            "assets": [static(name) for name in SHELL_ASSETS],
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


@gzip_page
@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: the field page installs on the home screen as an app of its own."""
    home = reverse("field:home")
    body = {
        "name": _("Fengqiao field"),
        "short_name": _("Field"),
        "description": _("Reports, visits and today's to-do for grid workers, also without network."),
        "lang": request.LANGUAGE_CODE,
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "icons": [
            {"src": static("field/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("field/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return JsonResponse(
        body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )
