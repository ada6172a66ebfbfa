"""Password rules beyond Django's: no words of the place or the product."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Words any local attacker tries first: the product, the place, the institution.
CONTEXT_WORDS = (
    "fengqiao",
    "zongzhi",
    "anguo",
    "pingliang",
    "kongtong",
    "gansu",
    "password",
    "admin",
    "123456",
)


class ContextWordsValidator:
    """Rejects passwords built on the product's, the town's or the institution's name."""

    def __init__(self, words: tuple[str, ...] = CONTEXT_WORDS) -> None:
        self.words = words

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        for word in self.words:
            if word in lowered:
                raise ValidationError(
                    _("The password must not contain the word “%(word)s”.") % {"word": word},
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("Your password must not contain the name of the product, the town or the center.")
