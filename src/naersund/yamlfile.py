"""Reading a YAML file into a pydantic model with errors that name the file, line and field.

Shared by the indicator definitions and the goal catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from naersund.errors import NaersundError

M = TypeVar("M", bound=BaseModel)


def line_of(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """1-based line of the YAML node at an error location (or of its nearest parent)."""
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


@dataclass(frozen=True)
class YamlFile:
    """A parsed YAML file: its path, node tree (for line numbers) and data."""

    path: Path
    node: yaml.Node | None
    data: dict[str, Any]

    def where(self, loc: Iterable[Any]) -> str:
        """``"<file>, line N, field 'a.b'"`` for an error location."""
        loc = list(loc)
        field = ".".join(str(p) for p in loc) or "(top level)"
        return f"{self.path}, line {line_of(self.node, loc)}, field '{field}'"


def read_yaml(path: Path, error: type[NaersundError]) -> YamlFile:
    """Read a YAML mapping; any problem raises ``error`` naming the file (and line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the file ({exc})") from None
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise error(f"{path}{where}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping of fields at the top level")
    return YamlFile(path, node, data)


def validate(
    f: YamlFile,
    model: type[M],
    error: type[NaersundError],
    context: Mapping[str, Any] | None = None,
) -> M:
    """The file's data as ``model``; every problem at once, each naming file, line and field."""
    try:
        return model.model_validate(f.data, context=dict(context) if context else None)
    except ValidationError as exc:
        problems = [
            f"{f.where(p for p in err['loc'] if not str(p).startswith('function-'))}: {err['msg']}"
            for err in exc.errors()
        ]
        raise error("\n".join(problems)) from None
