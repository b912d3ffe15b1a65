"""The goal catalogue: loading, validating and exporting the versioned YAML.

``load_catalogue()`` without a path gives the shipped catalogue (``data/catalogue.yaml``). Every
problem is reported at once, each naming the file, line and field.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

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


def _line_of(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """1-based line of the YAML node at an error location (or of its nearest parent).

    The same walk as the indicator loader's; kept here so neither package reaches into the
    other's private helpers."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            found = node.value[key]
        else:
            found = None
        if found is None:
            break
        node = found
        line = node.start_mark.line + 1
    return line


def load_catalogue(path: Path | None = None, indicator_ids: set[str] | None = None) -> Catalogue:
    """Load and validate a catalogue (default: the shipped one).

    Indicator references are checked against ``indicator_ids``, by default the ids of the
    shipped indicator definitions. Raises :class:`CatalogueError` naming file, line and field.
    """
    path = path or builtin_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogueError(f"{path}: cannot read the file ({exc})") from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise CatalogueError(f"{path}{where}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: expected a mapping of fields at the top level")
    try:
        catalogue = Catalogue.model_validate(data, context={SKIP_REFERENCES: True})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not str(p).startswith("function-")]
            field = ".".join(str(p) for p in loc) or "(top level)"
            problems.append(f"{path}, line {_line_of(node, loc)}, field '{field}': {err['msg']}")
        raise CatalogueError("\n".join(problems)) from None
    refs = reference_problems(catalogue, indicator_ids)
    if refs:
        raise CatalogueError(
            "\n".join(
                f"{path}, line {_line_of(node, loc)}, field '{'.'.join(map(str, loc))}': {msg}"
                for loc, msg in refs
            )
        )
    return catalogue


def dump_catalogue(catalogue: Catalogue) -> str:
    """The catalogue as YAML (fields left at their defaults are omitted);
    ``load_catalogue`` of the text gives an equal catalogue."""
    data = catalogue.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
