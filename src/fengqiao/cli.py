"""The `fengqiao` console command: Django management, plus `demo`, `serve` and `worker`.

fengqiao demo      migrate, load the demo town (idempotent), print the logins, serve
fengqiao serve     serve with gunicorn on FENGQIAO_BIND (default 127.0.0.1:8000)
fengqiao worker    run the background task worker (production, TASK_BACKEND=database)
fengqiao <cmd>     any Django management command (migrate, createsuperuser, checkclocks ...)
"""

from __future__ import annotations

import os
import sys


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
    import django

    django.setup()


def serve(bind: str | None = None) -> None:
    bind = bind or os.environ.get("FENGQIAO_BIND", "127.0.0.1:8000")
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    print(f"Serving Fengqiao at http://{bind}/  (Ctrl+C to stop)", flush=True)
    os.execvp(  # noqa: S606 - replace this process with gunicorn on purpose
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "fengqiao.wsgi",
            "--bind",
            bind,
            "--workers",
            workers,
            "--access-logfile",
            "-",
        ],
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else "help"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
    from django.core.management import call_command, execute_from_command_line

    if command == "demo":
        _django_setup()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("loaddemo")
        if "--no-serve" not in argv:
            serve()
        return
    if command == "serve":
        serve(argv[2] if len(argv) > 2 else None)
        return
    if command == "worker":
        execute_from_command_line([argv[0], "db_worker", *argv[2:]])
        return
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
