from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _groups_changed(**_: Any) -> None:
    """A user-defined group changed: the cached pages list groups to compare with."""
    from naersund.web.dashboard.present import clear_cache

    clear_cache()


class AreasConfig(AppConfig):
    name = "naersund.web.areas"
    label = "areas"
    verbose_name = "Områder og grupper"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from naersund.web.areas.models import MunicipalityGroup

        post_save.connect(_groups_changed, sender=MunicipalityGroup, dispatch_uid="areas-groups")
        post_delete.connect(
            _groups_changed, sender=MunicipalityGroup, dispatch_uid="areas-groups-del"
        )
