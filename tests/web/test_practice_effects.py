"""Effect estimates beside good-practice entries (issue 13): where the current release has
stored estimates with its default round, an entry linked to an initiative shows that
initiative's rows, presented by the effects page's own function, so the entry, the booklet and
"Virker indsatserne?" say the same (with release, definition version and round); an entry's
page never starts an estimation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from test_effects_stored import _answer_round, results_file  # noqa: F401  (the fixture)
from web_personas import ALBERTSLUND, Personas

from naersund import cli
from naersund.web.dashboard.effects_present import effect_rows
from naersund.web.effectsdata import effects_for
from naersund.web.practice import services
from naersund.web.practice.effects import effects_by_initiative
from naersund.web.practice.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _published(initiatives: list[str]) -> Entry:
    entry = Entry(
        title="Akutteam",
        kommunekode=ALBERTSLUND,
        target_group="akut",
        what="Tekst",
        initiatives=initiatives,
    )
    services.save_draft(entry, None)
    return services.publish(services.submit(entry, None), None)


def test_an_entry_shows_its_initiatives_stored_estimates_as_the_effects_page_does(
    personas: Personas,
    results_file: Path,  # noqa: F811
) -> None:
    initiative = _answer_round(personas, "effekt", 3)
    entry = _published([initiative])
    other = _published(["findes_ikke"])
    # no release yet: nothing beside the entry, and no estimation started
    assert effects_by_initiative().for_entry(entry) == []
    published = CliRunner().invoke(cli.cli, ["publish", str(results_file)])
    assert published.exit_code == 0, published.output

    made = effects_for()
    page_rows = [r for r in effect_rows(made.estimated, "indikator") if r.initiative == initiative]
    beside = effects_by_initiative().for_entry(entry)
    assert [x.row for x in beside] == page_rows and page_rows
    assert effects_by_initiative().for_entry(other) == []

    entry_page = personas.client("reader").get(f"/god-praksis/{entry.pk}/").content.decode()
    effects_page = personas.client("reader").get("/indikatorer/effekter/").content.decode()
    estimated = [x for x in beside if not x.row.note]
    assert estimated
    for x in estimated:
        # the same sentence and interval on both pages, from the one row
        assert x.row.sentence in entry_page and x.row.interval in entry_page
        assert x.row.interval in effects_page
        assert f"Udgivelse nr. {made.release_id} af" in x.source
        assert f"startår fra statusrunden {made.round}" in x.source
        assert f"definition {x.row.indicator} v" in x.source
        assert x.source in entry_page

    # the booklet carries the same text
    booklet = personas.client("reader").get("/god-praksis/katalog.pdf").content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(booklet)).pages)
    assert " ".join(estimated[0].row.interval.split()) in " ".join(text.split())
    assert "SYNTETISKE DATA" in text  # the release is synthetic
