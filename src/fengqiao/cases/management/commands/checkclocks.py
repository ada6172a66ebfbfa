"""`fengqiao checkclocks`: sweep the case clocks once, or every N seconds with --loop."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Turn due cases yellow or red, raise supervision orders, retry failed notifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        from fengqiao.cases import notify, sla

        while True:
            result: dict[str, Any] = sla.sweep_clocks().as_dict()
            result["redelivered"] = notify.retry_undelivered()
            self.stdout.write(json.dumps(result))
            if not options["loop"]:
                return
            time.sleep(options["loop"])
