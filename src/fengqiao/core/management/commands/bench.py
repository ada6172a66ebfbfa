"""`fengqiao bench`: run every app's benchmarks and print their figures.

Each app may provide a `bench.py` module with `run() -> list[str]`; speed is measured here, never in
timed unit tests.
"""

from __future__ import annotations

import importlib
import inspect
import time
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the benchmarks of every app (regions.bench, ...) and print the figures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("apps", nargs="*", help="only these app labels (default: all)")
        parser.add_argument(
            "--cases",
            type=int,
            default=None,
            help="how many cases to bench at, for the apps whose run() takes `cases` (default: theirs)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = set(options["apps"])
        for config in apps.get_app_configs():
            if not config.name.startswith("fengqiao.") or (wanted and config.label not in wanted):
                continue
            try:
                module = importlib.import_module(f"{config.name}.bench")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.bench":
                    continue
                raise
            self.stdout.write(self.style.MIGRATE_HEADING(f"== {config.label}"))
            started = time.perf_counter()
            kwargs: dict[str, Any] = {}
            if options["cases"] is not None and "cases" in inspect.signature(module.run).parameters:
                kwargs["cases"] = options["cases"]
            for line in module.run(**kwargs):
                self.stdout.write(f"  {line}")
            self.stdout.write(f"  ({time.perf_counter() - started:.1f} s)")
