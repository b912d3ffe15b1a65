from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from naersund.refdata import municipalities, scopes
from naersund.refdata.areas import Area


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "National administrator (KL)"
    # The value stays "kkr_secretary" (roles given before issue 14); the scope is any area of a
    # scope level (a KKR, a sundhedsråd, a 2027 region): ``Membership.area_level``.
    KKR_SECRETARY = "kkr_secretary", "Sekretariat (KKR, sundhedsråd eller region)"
    MUNICIPALITY_EDITOR = "municipality_editor", "Kommunal redaktør"
    READER = "reader", "Læser"


# Every area a secretariat, a catalogue section or a question can belong to (the five KKR
# first, then the sundhedsråd and Region Østdanmark), each code once: see refdata.scopes.
REGION_CHOICES = [c for _, group in scopes.choices() for c in group]


def scope_level_choices() -> list[tuple[str, str]]:
    return [(lv.id, lv.name_da) for lv in scopes.scope_levels()]


def municipality_choices() -> list[tuple[int, str]]:
    m = municipalities().sort_values("name")
    return [(int(k), f"{n} ({k})") for k, n in zip(m["kommunekode"], m["name"], strict=True)]


class Membership(models.Model):
    """A user's role; a secretariat belongs to one area (``area_level``, ``region_code``: a KKR,
    a sundhedsråd or a 2027 region, see :mod:`naersund.refdata.scopes`), an editor to one
    municipality."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField("rolle", max_length=32, choices=Role.choices, default=Role.READER)
    area_level = models.CharField(
        "niveau",
        max_length=30,
        default=scopes.DEFAULT_LEVEL,
        choices=scope_level_choices,
        help_text="Sekretariatets niveau: KKR, sundhedsråd eller region (fra 2027).",
    )
    region_code = models.PositiveIntegerField(
        "område",
        null=True,
        blank=True,
        choices=REGION_CHOICES,
        help_text="Områdets kode på niveauet: KKR 1081-1085, sundhedsråd 2701-2717, "
        "region (fra 2027) 1081-1083 og 1086.",
    )
    kommunekode = models.PositiveIntegerField(
        "kommune", null=True, blank=True, choices=municipality_choices
    )
    # Made by ``create_demo_users`` with the public demo password: such a user may log in only
    # in demo mode, and the server refuses to start outside demo mode while one exists.
    is_demo = models.BooleanField(
        "demobruger",
        default=False,
        editable=False,
        help_text="Oprettet af create_demo_users med den offentlige adgangskode; "
        "kan kun logge ind i demotilstand.",
    )

    class Meta:
        verbose_name = "rolle"
        verbose_name_plural = "roller"
        constraints = [
            models.CheckConstraint(
                name="secretary_has_region",
                condition=~models.Q(role="kkr_secretary") | models.Q(region_code__isnull=False),
            ),
            models.CheckConstraint(
                name="editor_has_municipality",
                condition=~models.Q(role="municipality_editor")
                | models.Q(kommunekode__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"

    def clean(self) -> None:
        if self.role == Role.KKR_SECRETARY and self.region_code is None:
            raise ValidationError({"region_code": "Et KKR-sekretariat skal have en KKR."})
        if self.role == Role.KKR_SECRETARY and self.region_code is not None:
            try:
                scopes.get(self.area_level, self.region_code)
            except scopes.ScopeError as exc:
                raise ValidationError({"region_code": str(exc)}) from None
        if self.role == Role.MUNICIPALITY_EDITOR and self.kommunekode is None:
            raise ValidationError({"kommunekode": "En kommunal redaktør skal have en kommune."})

    def scope_area(self) -> Area | None:
        """The secretariat's area (None for other roles or an area no longer shipped)."""
        if self.role != Role.KKR_SECRETARY or self.region_code is None:
            return None
        try:
            return scopes.get(self.area_level, self.region_code)
        except scopes.ScopeError:
            return None


class LoginFailure(models.Model):
    """One wrong password (or unknown user name), kept for the login throttle's cool-off
    (``naersund.web.accounts.throttle``): in the database, so every server process and thread
    sees the same count."""

    username = models.CharField("brugernavn", max_length=150)
    address = models.GenericIPAddressField("adresse", null=True, blank=True)
    at = models.DateTimeField("tidspunkt", default=timezone.now)

    class Meta:
        verbose_name = "mislykket login"
        verbose_name_plural = "mislykkede login"
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_username_at"),
            models.Index(fields=["address", "at"], name="loginfailure_address_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} fra {self.address or '?'} {self.at:%Y-%m-%d %H:%M}"
