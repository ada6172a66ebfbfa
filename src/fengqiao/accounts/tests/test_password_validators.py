"""Password rules (密码规则): length, common, numeric, similar to the user, words of the place."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from fengqiao.accounts.models import User
from fengqiao.accounts.validators import ContextWordsValidator


def codes(password: str, user: User | None = None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return {error.code for error in exc.error_list}
    return set()


@pytest.fixture
def user(db) -> User:
    return User(username="zhangwei", full_name="Zhang Wei", email="zhangwei@example.org", phone="13912345678")


def test_a_good_passphrase_passes(user):
    assert codes("tide-lantern-walnut-71", user) == set()


def test_it_requires_ten_characters(user):
    assert "password_too_short" in codes("Tq7#mz!Lp", user)
    assert "password_too_short" not in codes("Tq7#mz!Lpw", user)


def test_it_rejects_common_passwords(user):
    assert "password_too_common" in codes("qwertyuiop", user)
    assert "password_too_common" in codes("iloveyou123", user)


def test_it_rejects_all_digit_passwords(user):
    assert "password_entirely_numeric" in codes("8403917265", user)


def test_it_rejects_passwords_like_the_user(user):
    assert "password_too_similar" in codes("zhangwei2026", user)
    assert "password_too_similar" in codes("13912345678", user)  # the phone number


@pytest.mark.parametrize(
    "password",
    ["Fengqiao2026!", "ANGUO-town-99", "my-pingliang-home", "kongtongdistrict", "zongzhi-center-1"],
)
def test_it_rejects_the_words_of_the_product_and_the_place(user, password):
    assert "password_context_word" in codes(password, user)


def test_the_context_word_rule_is_in_the_settings():
    from django.contrib.auth.password_validation import get_default_password_validators

    assert any(isinstance(v, ContextWordsValidator) for v in get_default_password_validators())


def test_the_context_validator_names_the_word_and_has_help_text():
    validator = ContextWordsValidator(("anguo",))
    with pytest.raises(ValidationError) as excinfo:
        validator.validate("AnGuo-forever-1")
    assert "anguo" in excinfo.value.messages[0]
    validator.validate("quiet-river-stone")
    assert validator.get_help_text()
