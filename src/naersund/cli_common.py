"""What the ``naersund`` commands share: the consoles, the progress bar, the option types
(years, a data location, Spark settings), the synthetic registry's options and the options
several commands declare alike (a path, a registry format, a release)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

Format = Literal["canonical", "lpr2", "lpr3"]
F = TypeVar("F", bound=Callable[..., Any])
err = Console(stderr=True)
out = Console(width=None if Console().is_terminal else 120)


@contextmanager
def progress_bar(title: str) -> Iterator[Callable[[str, float], None]]:
    """A progress bar on stderr; yields the ``progress(message, fraction)`` callback."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f} %"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal and os.environ.get("NAERSUND_PROGRESS") != "1",
    ) as bar:
        task = bar.add_task(title, total=1.0)

        def update(message: str, fraction: float) -> None:
            bar.update(task, completed=max(0.0, min(1.0, fraction)), description=message)

        yield update
        bar.update(task, completed=1.0)


def parse_years(value: str) -> list[int]:
    """``2012-2016`` or ``2012,2014`` or ``2014`` -> list of years."""
    years: list[int] = []
    for part in value.split(","):
        m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", part)
        if not m:
            raise click.BadParameter(f"'{value}' is not a year or range like 2012-2016")
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if hi < lo:
            raise click.BadParameter(
                f"'{part.strip()}': the range must run forward (e.g. 2012-2016)"
            )
        years.extend(range(lo, hi + 1))
    return sorted(set(years))


class YearsType(click.ParamType):
    name = "YEARS"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> list[int]:
        if isinstance(value, list):
            return value
        try:
            return parse_years(str(value))
        except click.BadParameter as exc:
            self.fail(exc.message, param, ctx)


YEARS = YearsType()


class DataLocationType(click.ParamType):
    """A data folder that must exist, or a URI (``s3a://bucket/registry``) for Spark to read."""

    name = "MAPPE|URI"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | str:
        if isinstance(value, str) and "://" in value:
            return value
        folder = click.Path(path_type=Path, file_okay=False, exists=True)
        result: Path = folder.convert(value, param, ctx)
        return result


class SparkConfType(click.ParamType):
    name = "KEY=VALUE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        key, sep, val = str(value).partition("=")
        if not sep or not key.strip():
            self.fail(f"'{value}' is not KEY=VALUE (e.g. spark.executor.memory=8g)", param, ctx)
        return key.strip(), val.strip()


DATA_LOCATION = DataLocationType()
SPARK_CONF = SparkConfType()


def synthetic_data_options(f: F) -> F:
    """``--years``, ``--scale`` and ``--seed``: the options of a synthetic registry."""
    f = click.option(
        "--seed", type=int, default=1, show_default=True, help="Frø: samme frø giver samme data."
    )(f)
    f = click.option(
        "--scale",
        type=click.FloatRange(min=0.0001, max=10),
        default=1.0,
        show_default=True,
        help="Andel af Danmarks befolkning (1.0 = hele landet, ca. 12 mio. kontakter om året).",
    )(f)
    return click.option(
        "--years", type=YEARS, default="2012-2016", show_default=True, help="År, fx 2012-2016."
    )(f)


def path_option(
    flag: str,
    dest: str,
    *,
    folder: bool,
    help: str,
    required: bool = False,
    default: Path | None = None,
) -> Callable[[F], F]:
    """An option naming a folder (``folder=True``) or a file, given as a :class:`Path` in
    ``dest``; a default is shown in ``--help``."""
    kind = click.Path(path_type=Path, file_okay=not folder, dir_okay=folder)
    shown: dict[str, Any] = {} if default is None else {"default": default, "show_default": True}
    return click.option(flag, dest, type=kind, required=required, help=help, **shown)


def registry_format_option(help: str) -> Callable[[F], F]:
    """``--format`` (into ``fmt``): the registry's format, canonical (the default), lpr2 or
    lpr3."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["canonical", "lpr2", "lpr3"]),
        default="canonical",
        show_default=True,
        help=help,
    )


#: ``--release`` (into ``release_id``): a published release's id, the current one without it.
release_option = click.option(
    "--release", "release_id", type=int, default=None, help="Udgivelse (standard: gældende)."
)
