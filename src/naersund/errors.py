"""Errors that carry a message meant for a person, not a traceback."""

from __future__ import annotations


class NaersundError(Exception):
    """An error whose message is shown to the user as it is (Danish or English, naming file,
    row and field where there is one). The CLI prints it and exits non-zero; nothing else."""


class InputError(NaersundError):
    """Bad input data: a file, row or field that cannot be used."""


class DefinitionError(NaersundError):
    """An indicator definition (YAML) that cannot be loaded."""


class CatalogueError(NaersundError):
    """A goal catalogue (YAML) that cannot be loaded."""
