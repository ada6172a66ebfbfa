"""`fengqiao checkclocks`: sweep every clock once, or every N seconds with --loop.

The case clocks go first (yellow/red, supervision orders, notices), then each other app's
`<app>.sla.sweep(now)` (mediation screening and confirmation deadlines, registry visits), then
undelivered notifications are retried. Every sweep claims its rows with conditional updates, so two
copies of this command running at once send each notice exactly once.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone


def _as_dict(result: Any) -> Any:
    if hasattr(result, "as_dict"):
        return result.as_dict()
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return dataclasses.asdict(result)
    return result


def app_sweeps() -> list[tuple[str, Any]]:
    """(label, sweep) for every Fengqiao app other than cases that has `sla.sweep`."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("fengqiao.") or config.label == "cases":
            continue
        try:
            module = importlib.import_module(f"{config.name}.sla")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.sla":
                continue
            raise
        if callable(getattr(module, "sweep", None)):
            found.append((config.label, module.sweep))
    return found


class Command(BaseCommand):
    help = (
        "Turn due cases, screenings and visits yellow or red, raise supervision orders, retry notifications."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        from fengqiao.cases import notify, sla

        sweeps = app_sweeps()
        while True:
            now = timezone.now()
            result: dict[str, Any] = sla.sweep_clocks(now).as_dict()
            for label, sweep in sweeps:
                result[label] = _as_dict(sweep(now))
            result["redelivered"] = notify.retry_undelivered()
            self.stdout.write(json.dumps(result, default=str))
            if not options["loop"]:
                return
            time.sleep(options["loop"])
