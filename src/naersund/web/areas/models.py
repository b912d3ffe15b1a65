"""User-defined groups of municipalities (issue 14): a national administrator names a group (a
tværkommunalt samarbejde, a network of similar municipalities) in the admin; it behaves as an
area of level ``gruppe`` where it makes sense: Overblik compares with it. Checked by
:func:`naersund.refdata.groups.group_problems` (known codes, at least two, an id that is no
shipped level's)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from naersund.refdata.areas import AreaLevel
from naersund.refdata.groups import group_level, group_problems


class MunicipalityGroup(models.Model):
    slug = models.SlugField(
        "id",
        max_length=30,
        unique=True,
        help_text="Små bogstaver a-z, tal og _, fx vestegnen. Bruges i adresser og filer.",
    )
    name_da = models.CharField("navn", max_length=200)
    members = models.JSONField(
        "kommuner", default=list, help_text="Kommunekoderne; mindst 2 kommuner."
    )
    description_da = models.TextField("beskrivelse", blank=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        verbose_name = "gruppe af kommuner"
        verbose_name_plural = "grupper af kommuner"
        ordering = ["name_da", "slug"]

    def __str__(self) -> str:
        return self.name_da

    def clean(self) -> None:
        members = self.members if isinstance(self.members, list) else [self.members]
        problems = group_problems(self.slug, self.name_da, members)
        if problems:
            raise ValidationError(problems)
        self.members = sorted(int(k) for k in members)

    def codes(self) -> frozenset[int]:
        return frozenset(int(k) for k in self.members)

    def level(self) -> AreaLevel:
        """The group as an area level with one area (like a group read from a CSV)."""
        return group_level(self.slug, self.name_da, self.codes())
