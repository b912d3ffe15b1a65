"""``create_round SLUG TITLE --year --opens --closes``: a status round from the current catalogue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from naersund.errors import NaersundError
from naersund.web.survey.models import Round
from naersund.web.survey.services import create_round


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' er ikke en dato; skriv den som ÅÅÅÅ-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Opret en statusrunde med spørgsmål fra det gældende målkatalog, fx "
        "create_round opfoelgning-2014 'Opfølgning 2014' --year 2014 --opens 2014-09-01 "
        "--closes 2014-10-31 --previous baseline-2013."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Rundens id i adresser, fx opfoelgning-2014.")
        parser.add_argument("title", help="Titel, fx 'Opfølgning 2014'.")
        parser.add_argument("--year", type=int, required=True, help="Året, runden gælder.")
        parser.add_argument(
            "--opens", required=True, help="Første dag, der kan svares (ÅÅÅÅ-MM-DD)."
        )
        parser.add_argument(
            "--closes", required=True, help="Sidste dag, der kan svares (ÅÅÅÅ-MM-DD)."
        )
        parser.add_argument("--previous", help="Id på den forrige runde, der sammenlignes med.")
        parser.add_argument(
            "--national",
            action="store_true",
            help=(
                "Stil alle KKR's indsatser til alle 98 kommuner, som KL's landsdækkende "
                "opfølgning 2013-2014 gjorde (kun til at efterregistrere sådan en runde). "
                "Ellers besvarer hver kommune kun sin egen KKR's indsatser og de fælles spørgsmål."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        previous = None
        if options["previous"]:
            previous = Round.objects.filter(slug=options["previous"]).first()
            if previous is None:
                raise CommandError(f"Der findes ingen runde med id '{options['previous']}'.")
        try:
            rnd = create_round(
                slug=options["slug"],
                title_da=options["title"],
                year=options["year"],
                opens_on=_date(options["opens"]),
                closes_on=_date(options["closes"]),
                previous=previous,
                national=options["national"],
            )
        except NaersundError as exc:
            raise CommandError(str(exc)) from None
        n = rnd.questions.count()
        kept = ""
        if previous is not None:
            old = set(previous.questions.values_list("qid", flat=True))
            new = set(rnd.questions.values_list("qid", flat=True))
            kept = f"; {len(old & new)} af den forrige rundes {len(old)} spørgsmål går igen"
        self.stdout.write(
            f"Runden »{rnd.title_da}« ({rnd.slug}) er oprettet med {n} spørgsmål fra "
            f"katalogversion {rnd.catalogue_version}{kept}."
        )
