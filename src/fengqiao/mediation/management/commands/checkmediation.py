"""`fengqiao checkmediation`: sweep screening slots (yellow/red) and confirmation reminders."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Sweep the mediation clocks: screening reports and judicial-confirmation reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="repeat every SECONDS")

    def handle(self, *args: Any, **options: Any) -> None:
        from fengqiao.mediation import sla

        while True:
            self.stdout.write(json.dumps(sla.sweep().as_dict()))
            if not options["loop"]:
                return
            time.sleep(options["loop"])
