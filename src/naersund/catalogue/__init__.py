"""The goal catalogue: loading, validating and exporting the versioned YAML.

``load_catalogue()`` without a path gives the shipped catalogue (``data/catalogue.yaml``). Every
problem is reported at once, each naming the file, line and field.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from naersund.catalogue.model import (
    SKIP_REFERENCES,
    ActionPlan,
    Baseline,
    Catalogue,
    FocusArea,
    Goal,
    Initiative,
    Kkr,
    NationalGoal,
    Target,
    all_ids,
    iter_initiatives,
    reference_problems,
    removed_ids,
)
from naersund.errors import CatalogueError
from naersund.yamlfile import read_yaml, validate

__all__ = [
    "ActionPlan",
    "Baseline",
    "Catalogue",
    "FocusArea",
    "Goal",
    "Initiative",
    "Kkr",
    "NationalGoal",
    "Target",
    "all_ids",
    "builtin_path",
    "dump_catalogue",
    "iter_initiatives",
    "load_catalogue",
    "removed_ids",
]


def builtin_path() -> Path:
    """The shipped catalogue."""
    return Path(str(resources.files("naersund.catalogue") / "data" / "catalogue.yaml"))


def load_catalogue(path: Path | None = None, indicator_ids: set[str] | None = None) -> Catalogue:
    """Load and validate a catalogue (default: the shipped one).

    Indicator references are checked against ``indicator_ids``, by default the ids of the
    shipped indicator definitions. Raises :class:`CatalogueError` naming file, line and field.
    """
    f = read_yaml(path or builtin_path(), CatalogueError)
    catalogue = validate(f, Catalogue, CatalogueError, context={SKIP_REFERENCES: True})
    refs = reference_problems(catalogue, indicator_ids)
    if refs:
        raise CatalogueError("\n".join(f"{f.where(loc)}: {msg}" for loc, msg in refs))
    return catalogue


def dump_catalogue(catalogue: Catalogue) -> str:
    """The catalogue as YAML (fields left at their defaults are omitted);
    ``load_catalogue`` of the text gives an equal catalogue."""
    data = catalogue.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
