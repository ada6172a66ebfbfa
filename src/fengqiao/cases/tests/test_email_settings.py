"""The `email` notification channel is configured from the environment, and refuses bad values."""

from __future__ import annotations

import pytest

from fengqiao.core.tests.test_settings import run_django

PRINT = (
    "from django.conf import settings as s; "
    "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, repr(s.EMAIL_HOST_PASSWORD), "
    "s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL)"
)


def test_the_smtp_server_comes_from_the_environment(db, tmp_path):
    env = {
        "EMAIL_HOST": "smtp.example.gov.cn",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "zongzhi",
        "EMAIL_HOST_PASSWORD": "s3cret ",
        "EMAIL_USE_TLS": "1",
        "DEFAULT_FROM_EMAIL": "综治中心 <zongzhi@example.gov.cn>",
    }
    result = run_django(tmp_path, env, "shell", "-c", PRINT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "smtp.example.gov.cn 587 zongzhi 's3cret ' True 综治中心 <zongzhi@example.gov.cn>"
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT"),
        ({"EMAIL_USE_TLS": "perhaps"}, "EMAIL_USE_TLS"),
        ({"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"}, "EMAIL_USE_SSL"),
        ({"DEFAULT_FROM_EMAIL": "nobody"}, "DEFAULT_FROM_EMAIL"),
    ],
)
def test_a_malformed_email_setting_stops_the_process(db, tmp_path, env, named):
    result = run_django(tmp_path, env, "check")
    assert result.returncode != 0
    assert named in result.stderr
