"""The two data files the economic follow-up is configured by (YAML, shipped defaults in
``data/``, each replaceable by a setting):

- ``functions.yaml``: which functions of the municipal chart of accounts make up
  "sundhedsområdet" (4.62 and its subfunctions) and which of them is KMF (4.62.81);
- ``regulation.yaml``: how "løftet" is measured (the price and wage rate and the regulations
  that adjust last year's budget into this year's base) and the ØA lift per year.

Both files state their source and what is not verified; pages and packs name their versions.
"""

from __future__ import annotations

import os
import re
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from naersund.errors import InputError
from naersund.yamlfile import read_yaml, validate

FUNCTION_CODE = re.compile(r"^\d\.\d{2}\.\d{2}$")
FUNCTIONS_SETTING = "NAERSUND_ECONOMY_FUNCTIONS"
REGULATION_SETTING = "NAERSUND_ECONOMY_REGULATION"


class KnownFunction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    verified: bool = False


class HealthFunctions(BaseModel):
    """Which functions count as health spending, and which of them is KMF."""

    model_config = ConfigDict(extra="forbid")
    version: int
    source: str
    include_prefixes: list[str] = Field(min_length=1)
    kmf: list[str]
    kmf_last_year: int
    functions: dict[str, KnownFunction] = Field(default_factory=dict)

    @field_validator("kmf")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not FUNCTION_CODE.match(code):
                raise ValueError(f"'{code}' er ikke en funktion som 4.62.81")
        return value

    def is_health(self, code: str) -> bool:
        return any(code.startswith(p) for p in self.include_prefixes)

    def is_kmf(self, code: str) -> bool:
        return code in self.kmf

    def has_kmf(self, year: int) -> bool:
        """Whether KMF exists in ``year`` (it is abolished after ``kmf_last_year``)."""
        return year <= self.kmf_last_year


class YearRegulation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pl_pct: float = Field(ge=-20, le=20)
    regulation_mio_kr: float = 0.0


class Regulation(BaseModel):
    """How last year's budget becomes this year's base (see ``data/regulation.yaml``)."""

    model_config = ConfigDict(extra="forbid")
    version: int
    source: str
    verified: bool = False
    oea_lift_mio_kr: dict[int, float] = Field(default_factory=dict)
    years: dict[int, YearRegulation] = Field(default_factory=dict)

    def for_year(self, year: int) -> YearRegulation | None:
        return self.years.get(year)


def _shipped(name: str) -> Path:
    return Path(str(resources.files("naersund.economy") / "data" / name))


def functions_path() -> Path:
    return Path(os.environ.get(FUNCTIONS_SETTING) or _shipped("functions.yaml"))


def regulation_path() -> Path:
    return Path(os.environ.get(REGULATION_SETTING) or _shipped("regulation.yaml"))


@cache
def _load_functions(path: Path, mtime: float) -> HealthFunctions:
    return validate(read_yaml(path, InputError), HealthFunctions, InputError)


@cache
def _load_regulation(path: Path, mtime: float) -> Regulation:
    return validate(read_yaml(path, InputError), Regulation, InputError)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        raise InputError(f"{path}: filen findes ikke") from None


def load_functions(path: Path | None = None) -> HealthFunctions:
    """The health functions (``functions.yaml`` or the file the setting names)."""
    p = path or functions_path()
    return _load_functions(p, _mtime(p))


def load_regulation(path: Path | None = None) -> Regulation:
    """The regulation (``regulation.yaml`` or the file the setting names)."""
    p = path or regulation_path()
    return _load_regulation(p, _mtime(p))
