from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from naersund.web.accounts.access import can_use_admin
from naersund.web.navigation import main_menu, user_line


def access(request: HttpRequest) -> dict[str, Any]:
    """What the page frame shows depends on the same helpers as the views: the menu and the
    user line of the DKFDS header."""
    user = request.user
    return {
        "can_use_admin": can_use_admin(user),
        "main_menu": main_menu(request),
        "user_line": user_line(user) if getattr(user, "is_authenticated", False) else "",
    }
