"""``load_demo_survey``: demo answers of all 98 municipalities for a 2013 baseline round and
a 2014 follow-up (see :mod:`naersund.survey.demo`), written through the survey services so
that every answer has its history; and an open, empty round for this year, so that the demo
users can answer and submit. Idempotent: when the demo rounds are there and complete it
changes nothing; a partial load is refused unless ``--replace``."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from naersund.refdata import region_of
from naersund.survey.demo import DEMO_ROUNDS, DEMO_SEED, generate_demo_survey
from naersund.survey.money_demo import demo_money_answers
from naersund.web.catalogue.store import catalogue_from_db, current_version
from naersund.web.survey import services
from naersund.web.survey.models import ResponseState, Round

DEMO_USER = "demodata"
OPEN_SLUG = "opfoelgning-aaben"
OPEN_WEEKS = 8
# (opens, closes) of each demo round: KL's autumn follow-up
DATES = {
    2013: (dt.date(2013, 9, 1), dt.date(2013, 10, 31)),
    2014: (dt.date(2014, 9, 1), dt.date(2014, 10, 31)),
}


class Command(BaseCommand):
    help = (
        "Indlæs demo-svar for alle 98 kommuner: Status 2013 (udgangspunkt, som rammepapirets "
        "tal) og Opfølgning 2014. Ændrer intet, hvis de allerede er indlæst."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEMO_SEED, help=f"Frø (standard {DEMO_SEED})."
        )
        parser.add_argument(
            "--manifest",
            default=None,
            help="En syntetisk registers manifest.json: svarene på de indsatser, der har fået "
            "plantet en effekt, følger den (kommuner og startår).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Slet demo-runderne (med alle deres svar) og indlæs dem igen.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slugs = [r.slug for r in DEMO_ROUNDS]
        existing = list(Round.objects.filter(slug__in=slugs))
        if options["replace"]:
            Round.objects.filter(slug=OPEN_SLUG).delete()
        if existing and not options["replace"]:
            if len(existing) == len(slugs) and all(_complete(r) for r in existing):
                self.stdout.write("Demo-svarene er allerede indlæst; intet er ændret.")
                return
            raise CommandError(
                "Demo-runderne findes, men er ikke fuldstændige ("
                + ", ".join(r.slug for r in existing)
                + "). Brug --replace for at slette dem og indlæse demo-svarene igen."
            )
        version = current_version()
        if version is None:
            raise CommandError("Der er intet katalog i databasen; kør først load_catalogue.")
        started = time.perf_counter()
        with transaction.atomic():
            Round.objects.filter(slug__in=slugs).delete()
            user, _ = User.objects.get_or_create(
                username=DEMO_USER, defaults={"first_name": "Demodata", "is_active": False}
            )
            rounds = []
            previous = None
            for spec in DEMO_ROUNDS:
                opens, closes = DATES[spec.year]
                previous = services.create_round(
                    slug=spec.slug,
                    title_da=spec.title_da,
                    year=spec.year,
                    opens_on=opens,
                    closes_on=closes,
                    previous=previous,
                    catalogue=version,
                    # KL's national follow-up: every municipality answered every initiative,
                    # and the paper's baselines are shares of all 98
                    national=True,
                    # the money questions in the follow-up only: the seeds' lift of 2014
                    # (311 mio. kr.); in both rounds they made the demo's load a third longer
                    money=spec is DEMO_ROUNDS[-1],
                )
                rounds.append(previous)
            questions = [q.spec() for q in rounds[0].questions.all()]
            generated = generate_demo_survey(
                catalogue_from_db(version), questions, options["seed"], _planted(options)
            )
            n = 0
            for rnd, answers in zip(rounds, generated, strict=True):
                # SYNTETISKE DATA: drawn amounts for the money questions
                asked = [q.spec() for q in rnd.questions.all()]
                money = demo_money_answers(asked, answers.answers, rnd.year, options["seed"])
                for code in sorted(answers.answers):
                    values = dict(answers.answers[code]) | money.get(code, {})
                    services.save_answers(
                        rnd,
                        code,
                        user,
                        values,
                        tilbagemelding=answers.tilbagemeldinger.get(code, ""),
                        source="import",
                        allow_closed=True,
                    )
                    services.submit(rnd, code, user, source="import", allow_closed=True)
                    n += len(values)
            today = timezone.localdate()
            if not Round.objects.filter(slug=OPEN_SLUG).exists():
                services.create_round(
                    slug=OPEN_SLUG,
                    title_da=f"Opfølgning {today.year} (åben demorunde)",
                    year=today.year,
                    opens_on=today,
                    closes_on=today + dt.timedelta(weeks=OPEN_WEEKS),
                    previous=rounds[-1],
                    catalogue=version,
                    money=True,
                )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Indlæste demo-svar: {len(rounds)} runder ({', '.join(r.title_da for r in rounds)}), "
            f"{len(region_of())} kommuner, {n} svar på {seconds:.1f} s. Åben runde til "
            f"demobrugerne: {OPEN_SLUG} ({OPEN_WEEKS} uger)."
        )


def _planted(options: dict[str, Any]) -> list[dict[str, Any]]:
    if not options.get("manifest"):
        return []
    path = Path(options["manifest"])
    try:
        planted = json.loads(path.read_text(encoding="utf-8")).get("planted_effects", [])
    except (OSError, ValueError, AttributeError) as exc:
        raise CommandError(f"{path.name}: kan ikke læse de plantede effekter ({exc}).") from None
    if not isinstance(planted, list):
        raise CommandError(f"{path.name}: 'planted_effects' skal være en liste.")
    return planted


def _complete(rnd: Round) -> bool:
    submitted = rnd.responses.filter(state=ResponseState.SUBMITTED).count()
    return submitted == len(region_of())
