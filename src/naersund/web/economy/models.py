"""Imported budgets and accounts: one :class:`EconomyImport` per file, its amounts per year ×
municipality × health function (1.000 kr.; None where the statbank has ``..``), and the
imported distribution key of the ØA lift. Written only by :mod:`.services`."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EconomyImport(models.Model):
    class Table(models.TextChoices):
        BUDK32 = "BUDK32", "Budget (BUDK32)"
        REGK31 = "REGK31", "Regnskab (REGK31)"

    table = models.CharField(max_length=6, choices=Table.choices)
    file_name = models.CharField(max_length=255)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    synthetic = models.BooleanField(default=False)
    n_rows = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "indlæst budget/regnskab"
        verbose_name_plural = "indlæste budgetter og regnskaber"

    def __str__(self) -> str:
        return f"{self.table} {self.first_year}-{self.last_year} ({self.file_name})"


class EconomyAmount(models.Model):
    source = models.ForeignKey(EconomyImport, on_delete=models.CASCADE, related_name="amounts")
    year = models.PositiveSmallIntegerField()
    kommunekode = models.PositiveSmallIntegerField()
    function = models.CharField(max_length=8)
    function_name = models.CharField(max_length=200)
    amount = models.FloatField(null=True)  # 1.000 kr., current prices, operations

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "year", "kommunekode", "function"], name="economy_amount_cell"
            )
        ]
        indexes = [models.Index(fields=["source", "year"], name="economy_amount_year")]


class DistributionKey(models.Model):
    """The imported key (each municipality's expected share of the ØA lift); the newest
    import is used, and without one the population share is."""

    file_name = models.CharField(max_length=255)
    shares = models.JSONField()  # {"101": 0.1012, ...}, adding up to 1
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-imported_at", "-pk"]
