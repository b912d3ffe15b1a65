"""The ``naersund`` command: one group, each command a thin call into the library. The commands
live in ``cli_<topic>.py`` by concept, their shared helpers in :mod:`naersund.cli_common`; each
is registered in the list at the end of this file."""

from __future__ import annotations

import os
import sys

import click

from naersund import __version__
from naersund.cli_common import err
from naersund.cli_common import parse_years as parse_years  # its tests import it from here
from naersund.cli_data import compute, ingest, synth
from naersund.cli_docs import docs, indicators
from naersund.cli_economy import economy
from naersund.cli_publish import publish
from naersund.cli_refdata import refdata
from naersund.cli_reports import effects, report
from naersund.cli_web import demo, serve, web
from naersund.errors import NaersundError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="naersund")
def cli() -> None:
    """naersund: opfølgning på Det Nære Sundhedsvæsen.

    Indikatorer fra registerudtræk (LPR), sammenligning af kommuner og ledelsesinformation.
    """


def main() -> None:
    """Entry point: user errors become one clear message, never a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Afbrudt.")
        sys.exit(130)
    except click.ClickException as exc:
        from naersund.cli_errors import show

        show(exc)  # Click's messages in Danish
        sys.exit(exc.exit_code)
    except NaersundError as exc:
        click.secho(f"Fejl: {exc}", fg="red", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("Afbrudt.")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("NAERSUND_DEBUG"):
            raise
        click.secho(
            f"Uventet fejl: {type(exc).__name__}: {exc}\n"
            "Kør igen med NAERSUND_DEBUG=1 for detaljer, og rapportér fejlen.",
            fg="red",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    # ``python -m naersund.cli``: run the module as imported, so that every command in the list
    # below is registered before the command line is read
    from naersund.cli import main as registered_main

    registered_main()


# The commands, one line each (a new command goes in a cli_<topic>.py module of its own).
cli.add_command(synth)
cli.add_command(ingest)
cli.add_command(compute)
cli.add_command(indicators)
cli.add_command(demo)
cli.add_command(publish)
cli.add_command(docs)
cli.add_command(report)
cli.add_command(effects)
cli.add_command(serve)
cli.add_command(web)
cli.add_command(refdata)
cli.add_command(economy)
