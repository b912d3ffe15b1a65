"""Indicator definitions: loading and validating the YAML files."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from naersund.errors import DefinitionError
from naersund.indicators.model import IndicatorDefinition, StayRules
from naersund.yamlfile import read_yaml, validate

__all__ = [
    "IndicatorDefinition",
    "StayRules",
    "builtin_dir",
    "load_definition",
    "load_definitions",
    "load_stay_rules",
    "select_definitions",
]


def builtin_dir() -> Path:
    """The folder of the shipped definitions."""
    return Path(str(resources.files("naersund.indicators") / "definitions"))


def load_definition(path: Path) -> IndicatorDefinition:
    """Load and validate one definition; errors name the file, line and field."""
    f = read_yaml(path, DefinitionError)
    definition = validate(f, IndicatorDefinition, DefinitionError)
    if definition.id != path.stem:
        raise DefinitionError(
            f"{f.where(['id'])}: '{definition.id}' must equal the file name '{path.stem}'"
        )
    return definition


def load_stay_rules(folder: Path | None = None) -> StayRules:
    """The stay rules (``_sygehusophold.yaml``) of a definitions folder, default the shipped."""
    path = (folder or builtin_dir()) / "_sygehusophold.yaml"
    if not path.exists():
        return StayRules()
    return validate(read_yaml(path, DefinitionError), StayRules, DefinitionError)


def load_definitions(folder: Path | None = None) -> list[IndicatorDefinition]:
    """All definitions in a folder (default: the shipped ones), sorted by id."""
    folder = folder or builtin_dir()
    files = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise DefinitionError(f"{folder}: no indicator definitions (*.yaml) found")
    return [load_definition(p) for p in files]


def select_definitions(
    definitions: list[IndicatorDefinition], ids: Sequence[str] | None
) -> list[IndicatorDefinition]:
    """The definitions a run computes: those named in ``ids`` (a deployment's choice), else
    every definition that is on by default (``by_default``)."""
    if not ids:
        return [d for d in definitions if d.by_default]
    unknown = set(ids) - {d.id for d in definitions}
    if unknown:
        raise DefinitionError(f"ukendt indikator: {', '.join(sorted(unknown))}")
    return [d for d in definitions if d.id in ids]
