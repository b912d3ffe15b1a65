from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "naersund.web.accounts"
    label = "accounts"
    verbose_name = "Brugere og roller"

    def ready(self) -> None:
        from naersund.web.accounts import demo  # noqa: F401  (registers the demo users' check)
