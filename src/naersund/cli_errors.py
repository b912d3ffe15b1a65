"""Click's own usage errors in Danish ("Missing option '--year'." -> "Tilvalget '--year'
mangler."), so that every error a user can cause on the command line is Danish. Click has no
Danish translation; its messages are matched here by their fixed English wording, and one
that is not known is shown as Click wrote it."""

from __future__ import annotations

import re

import click

_PATTERNS: list[tuple[str, str]] = [
    (r"Missing option '(.+?)'\.", r"Tilvalget '\1' mangler."),
    (r"Missing argument '(.+?)'\.", r"Argumentet '\1' mangler."),
    (r"Missing parameter: (.+)", r"Der mangler en værdi: \1"),
    (
        r"Invalid value for '(.+?)': '(.*)' is not one of (.+)\.",
        r"Ugyldig værdi for '\1': '\2' er ikke en af \3.",
    ),
    (
        r"Invalid value for '(.+?)': '(.*)' is not a valid integer\.",
        r"Ugyldig værdi for '\1': '\2' er ikke et helt tal.",
    ),
    (
        r"Invalid value for '(.+?)': '(.*)' is not a valid float\.",
        r"Ugyldig værdi for '\1': '\2' er ikke et tal.",
    ),
    (
        r"Invalid value for '(.+?)': (\d+) is not in the range (.+)\.",
        r"Ugyldig værdi for '\1': \2 er uden for intervallet \3.",
    ),
    (
        r"Invalid value for '(.+?)': (?:File|Path|Directory) '(.+?)' does not exist\.",
        r"Ugyldig værdi for '\1': '\2' findes ikke.",
    ),
    (
        r"Invalid value for '(.+?)': (?:File|Path) '(.+?)' is a directory\.",
        r"Ugyldig værdi for '\1': '\2' er en mappe, ikke en fil.",
    ),
    (
        r"Invalid value for '(.+?)': Directory '(.+?)' is a file\.",
        r"Ugyldig værdi for '\1': '\2' er en fil, ikke en mappe.",
    ),
    (r"Invalid value for '(.+?)': (.+)", r"Ugyldig værdi for '\1': \2"),
    (
        r"No such option '(.+?)'\. \(Did you mean (?:one of: )?(.+)\?\)",
        r"Ukendt tilvalg '\1'. (Mente du \2?)",
    ),
    (r"No such option '(.+?)'\.", r"Ukendt tilvalg '\1'."),
    (r"No such option: (.+)", r"Ukendt tilvalg: \1"),
    (r"No such command '(.+?)'\.", r"Ukendt kommando '\1'."),
    (r"Got unexpected extra arguments? \((.+)\)", r"Uventet ekstra argument (\1)"),
    (r"Option '(.+?)' requires an argument\.", r"Tilvalget '\1' skal have en værdi."),
    (r"Option '(.+?)' requires (\d+) arguments\.", r"Tilvalget '\1' skal have \2 værdier."),
]


def danish(message: str) -> str:
    """Click's ``message`` in Danish where its wording is known."""
    for pattern, replacement in _PATTERNS:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            return re.sub(pattern, replacement, message, flags=re.DOTALL)
    return message


def show(exc: click.ClickException) -> None:
    """What ``exc.show()`` prints, in Danish: the usage line and where help is, then the error."""
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        usage = ctx.get_usage().replace("Usage:", "Brug:").replace("[OPTIONS]", "[TILVALG]")
        help_option = ctx.help_option_names[0] if ctx.help_option_names else "--help"
        click.echo(f"{usage}\nSe '{ctx.command_path} {help_option}' for hjælp.\n", err=True)
    click.secho(f"Fejl: {danish(exc.format_message())}", fg="red", err=True)
