from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from naersund.refdata import KKR_NAMES, municipalities


class Role(models.TextChoices):
    NATIONAL_ADMIN = "national_admin", "National administrator (KL)"
    KKR_SECRETARY = "kkr_secretary", "KKR-sekretariat"
    MUNICIPALITY_EDITOR = "municipality_editor", "Kommunal redaktør"
    READER = "reader", "Læser"


REGION_CHOICES = sorted(KKR_NAMES.items())


def municipality_choices() -> list[tuple[int, str]]:
    m = municipalities().sort_values("name")
    return [(int(k), f"{n} ({k})") for k, n in zip(m["kommunekode"], m["name"], strict=True)]


class Membership(models.Model):
    """A user's role; a KKR secretary belongs to one KKR, an editor to one municipality."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField("rolle", max_length=32, choices=Role.choices, default=Role.READER)
    region_code = models.PositiveIntegerField("KKR", null=True, blank=True, choices=REGION_CHOICES)
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
        if self.role == Role.MUNICIPALITY_EDITOR and self.kommunekode is None:
            raise ValidationError({"kommunekode": "En kommunal redaktør skal have en kommune."})


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
