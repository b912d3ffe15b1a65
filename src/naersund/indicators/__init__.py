"""Indicator definitions: loading and validating the YAML files."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from naersund.errors import DefinitionError
from naersund.indicators.model import IndicatorDefinition, StayRules

__all__ = [
    "IndicatorDefinition",
    "StayRules",
    "builtin_dir",
    "load_definition",
    "load_definitions",
    "load_stay_rules",
]


M = TypeVar("M", bound=BaseModel)


def builtin_dir() -> Path:
    """The folder of the shipped definitions."""
    return Path(str(resources.files("naersund.indicators") / "definitions"))


def _line_of(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """1-based line of the YAML node at a pydantic error location (or of its nearest parent)."""
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


def load_definition(path: Path) -> IndicatorDefinition:
    """Load and validate one definition; errors name the file, line and field."""
    definition = _load(path, IndicatorDefinition)
    if definition.id != path.stem:
        raise DefinitionError(
            f"{path}, line {_line_of(yaml.compose(path.read_text(encoding='utf-8')), ['id'])}, "
            f"field 'id': '{definition.id}' must equal the file name '{path.stem}'"
        )
    return definition


def load_stay_rules(folder: Path | None = None) -> StayRules:
    """The stay rules (``_sygehusophold.yaml``) of a definitions folder, default the shipped."""
    path = (folder or builtin_dir()) / "_sygehusophold.yaml"
    return _load(path, StayRules) if path.exists() else StayRules()


def _load(path: Path, model: type[M]) -> M:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path}: cannot read the file ({exc})") from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise DefinitionError(f"{path}{where}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: expected a mapping of fields at the top level")
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = [p for p in err["loc"] if not str(p).startswith("function-")]
            field = ".".join(str(p) for p in loc) or "(top level)"
            line = _line_of(node, loc)
            problems.append(f"{path}, line {line}, field '{field}': {err['msg']}")
        raise DefinitionError("\n".join(problems)) from None
    return result


def load_definitions(folder: Path | None = None) -> list[IndicatorDefinition]:
    """All definitions in a folder (default: the shipped ones), sorted by id."""
    folder = folder or builtin_dir()
    files = sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_"))
    if not files:
        raise DefinitionError(f"{folder}: no indicator definitions (*.yaml) found")
    return [load_definition(p) for p in files]
