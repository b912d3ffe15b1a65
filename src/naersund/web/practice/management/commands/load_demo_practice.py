"""A handful of demo entries in the catalogue of good practice (DEMOEKSEMPEL): their titles
are documents of the seeds' lists (KL's material on the nearby health service); their texts
only say what an entry would describe, and they claim no results (no evidence level, no cost).
One is left submitted, so that the review queue has something in it. Running it again
replaces the demo entries (and only those)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from naersund.web.practice import services
from naersund.web.practice.models import Entry

WHAT = (
    "Demoeksempel. Titlen er et dokument fra KL's materiale om det nære sundhedsvæsen. Her "
    "ville kommunen beskrive, hvad der gøres, for hvem, og hvordan det er organiseret; teksten "
    "er ikke kommunens egen og siger intet om, hvad kommunen faktisk gør."
)

# title, kommunekode, partners, initiatives, indicators, target group, published?
DEMO_ENTRIES: list[tuple[str, int, list[int], list[str], list[str], str, bool]] = [
    (
        "Integration mellem Hjemmesygeplejen og Tværfagligt Akutteam",
        165, [], ["hovedstaden_akutteams_doegnpladser"],
        ["akutte_korttidsindlaeggelser"], "akut", True,
    ),
    (
        "Grundmodel for fælles regional/kommunal forløbskoordinatorfunktion for særligt "
        "svækkede ældre medicinske patienter",
        151, [153, 157], ["hovedstaden_forloebskoordinering"],
        ["genindlaeggelser_30d_65"], "aeldre", True,
    ),
    (
        "Kronikermodellen. En systematisk indsats til patienter med kronisk sygdom",
        851, [], ["nordjylland_kronikerindsatsen"],
        ["akutte_indlaeggelser_kol"], "kronikere", True,
    ),
    (
        "Strategi for Hjemmesygeplejen",
        851, [], ["nordjylland_akutpladser"], ["forebyggelige_indlaeggelser_65"], "akut", True,
    ),
    (
        "Kombinationsstillinger",
        165, [], ["hovedstaden_forloebsprogrammer"], [], "kronikere", False,
    ),
]  # fmt: skip


class Command(BaseCommand):
    help = "Læg demoeksempler i kataloget over god praksis (kun demo)."

    def handle(self, *args: Any, **options: Any) -> None:
        Entry.objects.filter(is_demo=True).delete()
        reviewer = User.objects.filter(username="admin").first()
        for title, kommune, partners, inis, inds, group, published in DEMO_ENTRIES:
            entry = Entry(
                title=title, kommunekode=kommune, partners=partners, initiatives=inis,
                indicators=inds, target_group=group, what=WHAT, is_demo=True,
            )  # fmt: skip
            services.save_draft(entry, None)
            entry = services.submit(entry, None)
            if published:
                services.publish(entry, reviewer)
        n_pub = sum(1 for row in DEMO_ENTRIES if row[-1])
        self.stdout.write(
            f"{len(DEMO_ENTRIES)} demoeksempler på god praksis ({n_pub} offentliggjort, "
            f"{len(DEMO_ENTRIES) - n_pub} til gennemsyn)"
        )
