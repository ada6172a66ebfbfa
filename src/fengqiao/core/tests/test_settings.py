"""Settings come from the environment and fail loudly on malformed values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from fengqiao.env import Env

PRODUCTION = {
    "FENGQIAO_ENV": "production",
    "SECRET_KEY": "Zq8-vR2mT7xW4pLk9sBn3YcHd6Fj1GaQe5UwXo0ViNtKrMyPzSAbCDE",
    "ALLOWED_HOSTS": "zongzhi.example.gov.cn",
    "CACHE_URL": "redis://127.0.0.1:6379/15",
}


def run_django(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; the child must not inherit it.
        if not k.startswith(("FENGQIAO_", "DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_"))
    }
    base.update({"FENGQIAO_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "fengqiao.cli", *args], env=base, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
def test_it_refuses_a_malformed_boolean(raw):
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env({"DEBUG": raw}).bool("DEBUG", False)


def test_it_reads_booleans_integers_and_lists():
    env = Env({"A": "on", "B": "0", "N": " 42 ", "L": "a, b,,c"})
    assert env.bool("A", False) is True
    assert env.bool("B", True) is False
    assert env.bool("MISSING", True) is True
    assert env.int("N", 1) == 42
    assert env.list("L", []) == ["a", "b", "c"]


def test_it_refuses_a_malformed_integer_or_one_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES"):
        Env({"SESSION_IDLE_MINUTES": "half an hour"}).int("SESSION_IDLE_MINUTES", 30)
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        Env({"SESSION_IDLE_MINUTES": "0"}).int("SESSION_IDLE_MINUTES", 30, minimum=1)


def test_it_refuses_an_unknown_choice():
    with pytest.raises(ImproperlyConfigured, match="FENGQIAO_ENV"):
        Env({"FENGQIAO_ENV": "staging"}).choice("FENGQIAO_ENV", "development", ("development", "production"))


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_django(tmp_path, {"FENGQIAO_ENV": "production"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_malformed_database_url_stops_the_process(tmp_path):
    result = run_django(tmp_path, {"DATABASE_URL": "mysql://nobody@nowhere/db"}, "check")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_variables_pass_the_deploy_check(tmp_path):
    result = run_django(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_shared_cache_warns_at_the_deploy_check(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    result = run_django(tmp_path, env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "fengqiao.W001" in result.stderr + result.stdout


def test_a_cache_url_that_is_not_redis_stops_the_process(tmp_path):
    result = run_django(tmp_path, {"CACHE_URL": "memcached://127.0.0.1:11211"}, "check")
    assert result.returncode != 0
    assert "CACHE_URL" in result.stderr


def test_a_redis_cache_url_is_shared_by_separate_processes(tmp_path):
    # Two processes stand for two gunicorn workers: what one counts, the other reads.
    env = {"CACHE_URL": "redis://127.0.0.1:6379/15"}
    key = f"fengqiao-test-{os.getpid()}"
    write = run_django(
        tmp_path, env, "shell", "-c", f"from django.core.cache import cache; cache.set('{key}', 7, 60)"
    )
    assert write.returncode == 0, write.stderr
    read = run_django(
        tmp_path, env, "shell", "-c", f"from django.core.cache import cache; print(cache.get('{key}'))"
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip().splitlines()[-1] == "7"


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only settings")
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 1000


def test_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert "en" in dict(settings.LANGUAGES)


def test_postgresql_connections_run_without_jit(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
