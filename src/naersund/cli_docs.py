"""``naersund indicators`` and ``docs``: the indicator definitions listed, and the pages
generated from the code written."""

from __future__ import annotations

from pathlib import Path

import click

from naersund.cli_common import out, path_option


@click.command()
@click.option(
    "--definitions",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Mappe med indikatordefinitioner (standard: de medfølgende).",
)
@click.option(
    "--markdown", is_flag=True, help="Skriv dokumentationssiden (Markdown) i stedet for en liste."
)
def indicators(definitions: Path | None, markdown: bool) -> None:
    """Vis indikatordefinitionerne."""
    from naersund.indicators import load_definitions
    from naersund.indicators.docs import definitions_markdown

    defs = load_definitions(definitions)
    if markdown:
        click.echo(definitions_markdown(defs), nl=False)
        return
    for d in defs:
        out.print(f"[bold]{d.id}[/bold] (v{d.version}): {d.name_da} — {d.unit_da}")


@click.command()
@path_option(
    "--out", "out_dir", folder=True, default=Path("docs"), help="Mappe, siderne skrives til."
)
def docs(out_dir: Path) -> None:
    """Skriv dokumentationssiderne, der genereres fra koden (indikatorer, inputformater)."""
    from naersund.docs import write_docs

    for path in write_docs(out_dir):
        out.print(f"Skrevet: {path}")
