"""`fengqiao loaddemo`: load the demo town (idempotent) and print the demo logins."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from fengqiao.demo.exceptions import DemoError
from fengqiao.demo.plan import DEMO_PASSWORD
from fengqiao.demo.town import demo_logins, load_demo_town


def demo_url() -> str:
    """Where `fengqiao serve` will listen (FENGQIAO_BIND, as in cli.serve)."""
    return f"http://{os.environ.get('FENGQIAO_BIND', '127.0.0.1:8000')}/"


def _width(text: str) -> int:
    """Columns the text takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "Load the demo town of Anguo (fictional people; refused in production) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="Make the duty roster for this date's month (YYYY-MM-DD) instead of today's.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError(
                _(
                    "Refusing to load the demo town: demo accounts are not allowed in production "
                    "(FENGQIAO_ENV=production)."
                )
            )
        try:
            summary = load_demo_town(today=options["date"])
        except DemoError as exc:
            raise CommandError(str(exc)) from exc

        if summary.built:
            self.stdout.write(
                _(
                    "Demo town loaded: %(villages)d villages, %(grids)d grids, %(users)d people, "
                    "%(departments)d departments, %(windows)d windows, %(rooms)d rooms."
                )
                % summary.__dict__
            )
        else:
            self.stdout.write(_("The demo town is already loaded."))
        self.stdout.write(
            _("Duty roster for %(month)s: %(count)d new working days.")
            % {"month": f"{summary.month:%Y-%m}", "count": summary.duty_shifts_created}
        )

        logins = demo_logins()
        headers = (_("Username"), _("Role"), _("What they see"))
        widths = [
            max(_width(headers[0]), *(_width(x.username) for x in logins)),
            max(_width(headers[1]), *(_width(x.role) for x in logins)),
        ]
        self.stdout.write("")
        self.stdout.write(_("Demo logins (password for all: %(password)s)") % {"password": DEMO_PASSWORD})
        self.stdout.write(f"  {_pad(headers[0], widths[0])}  {_pad(headers[1], widths[1])}  {headers[2]}")
        for login in logins:
            self.stdout.write(
                f"  {_pad(login.username, widths[0])}  {_pad(login.role, widths[1])}  {login.sees}"
            )
        self.stdout.write("")
        self.stdout.write(_("Open %(url)s and log in.") % {"url": demo_url()})
