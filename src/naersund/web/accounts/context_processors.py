from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from naersund.web.accounts.access import can_use_admin


def access(request: HttpRequest) -> dict[str, Any]:
    """What the page frame shows depends on the same helpers as the views."""
    return {"can_use_admin": can_use_admin(request.user)}
