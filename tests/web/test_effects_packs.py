"""Virker indsatserne? in the director and professional packs: the PDF, read back, says the
page's sentence and the API's numbers for the same release and round, the groups' sizes, the
pre-trend test and the caveat; its event-study chart is the page's spec; a pair the data
cannot carry shows its note."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from dashboard_data import results_for
from pypdf import PdfReader
from web_personas import Personas

from naersund import fmt, reports
from naersund.analysis.initiative_effects import linked_pairs
from naersund.catalogue import Initiative, load_catalogue
from naersund.charts.effects import chart_title
from naersund.refdata import municipalities
from naersund.reports.effects import CAVEAT, groups_text, pretrend_text

pytestmark = pytest.mark.django_db

HOVEDSTADEN = 1084
YEAR = 2014


def _hovedstaden_initiative() -> Initiative:
    return next(i for i, _ in linked_pairs(load_catalogue()) if i.id.startswith("hovedstaden_"))


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def published(personas: Personas, results_file: Path) -> str:
    """A closed round of 2014 in which two thirds of Hovedstaden started the first initiative
    in 2014, then the release published (the effects estimated and stored)."""
    from naersund.web.dashboard import releases
    from naersund.web.effectsdata import effects_at_publish
    from naersund.web.survey.models import QuestionKind, Round
    from naersund.web.survey.services import create_round, questions_for, save_answers, submit

    today = dt.date.today()
    rnd = create_round(
        slug="effekt", title_da="Effektrunden", year=YEAR,
        opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=5),
    )  # fmt: skip
    initiative = _hovedstaden_initiative().id
    m = municipalities()
    for i, k in enumerate(int(k) for k in m.loc[m["region_code"] == HOVEDSTADEN, "kommunekode"]):
        values: dict[str, object] = {
            q.qid: "planlagt" for q in questions_for(rnd, k) if q.kind == QuestionKind.STATUS
        }
        if i % 3:
            values[f"status.{initiative}"] = "implementeret"
            values[f"startaar.{initiative}"] = YEAR
        save_answers(rnd, k, personas.admin, values)
        submit(rnd, k, personas.admin)
    Round.objects.filter(pk=rnd.pk).update(closes_on=today - dt.timedelta(days=1))
    release = releases.publish(results_file)
    effects_at_publish(release.pk)
    return initiative


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pack(level: str) -> tuple[reports.Pack, str]:
    """The pack and its PDF's text, whitespace as single spaces; a percentage broken over two
    lines in a table cell ("−15" above "%") fails here, as it reads badly on paper."""
    from naersund.web.reportdata import report_input

    data = report_input(YEAR)
    pack = reports.build_pack(data, level, reports.area_of("region", HOVEDSTADEN), YEAR)  # type: ignore[arg-type]
    pdf = reports.render(pack, "pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert not re.search(r"\d\n%", text), "a number's % sign on the next line"
    return pack, _words(text)


def _page(client: Any, initiative: str, indicator: str) -> tuple[str, dict[str, Any] | None]:
    """The pair's page: its sentence (the bold paragraph) and its chart's Vega-Lite spec."""
    page = client.get(f"/indikatorer/effekter/{initiative}/{indicator}/").content.decode()
    sentence = re.search(r"<p><strong>(.*?)</strong></p>", page, re.S)
    spec = re.search(
        r'<script type="application/json" id="spec-forloeb">(.*?)</script>', page, re.S
    )
    assert sentence is not None
    drawn = json.loads(spec.group(1).replace("<\\/", "</")) if spec is not None else None
    return html.unescape(sentence.group(1)), drawn


def _hovedstaden_rows(api: dict[str, Any]) -> list[dict[str, Any]]:
    ours = {i.id for g in load_catalogue().kkr_by_code(HOVEDSTADEN).goals for i in g.initiatives}
    return [r for r in api["effects"] if r["initiative"] in ours]


@pytest.mark.parametrize("level", ["direktoer", "fagligt"])
def test_the_pack_says_what_the_page_and_the_api_say(
    personas: Personas, published: str, level: str
) -> None:
    from naersund.web.effectsdata import effects_for

    client = personas.client("aalborg")
    api = client.get("/api/effects/").json()
    pack, text = _pack(level)
    assert f"startår fra statusrunden {api['round']}" in text and api["release"] in text
    assert _words(CAVEAT) in text
    rows = _hovedstaden_rows(api)
    made = effects_for()
    estimated = [r for r in rows if r["estimate"] is not None]
    assert estimated and any(r["note"] for r in rows)  # both kinds are in the pack
    charts = [c for s in pack.sections for c in s.charts]
    for r in rows:
        sentence, spec = _page(client, r["initiative"], r["indicator"])
        assert sentence == r["sentence"]
        assert _words(sentence) in text, r["indicator"]
        if r["estimate"] is None:
            assert spec is None
            continue
        for k in ("estimate", "lower_ci", "upper_ci", "pretrend_p"):
            assert f" {fmt.number(r[k], 2)} " in f" {text} ", (k, r)
        page = client.get(f"/indikatorer/effekter/{r['initiative']}/{r['indicator']}/")
        assert f"<dd>{fmt.number(r['pretrend_p'], 2)}" in page.content.decode()
        for k in ("relative_estimate", "relative_lower_ci", "relative_upper_ci"):
            assert f"{fmt.number(r[k] * 100, 0)} %" in text, (k, r)
        est = made.find(r["initiative"], r["indicator"])
        assert est is not None
        assert _words(groups_text(est.effect)) in text
        assert _words(pretrend_text(est.effect)) in text
        drawn = [c for c in charts if c.title == chart_title(est)]
        assert len(drawn) == 1
        assert json.loads(json.dumps(drawn[0].spec)) == spec  # the page's chart, the same spec
        if level == "fagligt":  # the chart's numbers as a table
            for p in est.effect.event_study:
                row = f" {fmt.integer(p.event_time)} {fmt.number(p.estimate, 2)} "
                assert row in f" {text} ", row  # year -1 with a minus sign, as the page has it
    # a reduction is written with the minus sign (U+2212), as the charts' axes write it
    shown = [fmt.number(r[k], 2) for r in estimated for k in ("estimate", "lower_ci")]
    assert any(s.startswith(fmt.MINUS) for s in shown)
    assert not re.search(r"(?<![\w–-])-\d", text), "a number with a hyphen for its minus"


def test_a_pack_without_a_closed_round_says_there_is_no_estimate_yet(
    personas: Personas, results_file: Path
) -> None:
    from naersund.web.dashboard import releases

    releases.publish(results_file)
    _, text = _pack("direktoer")
    assert "Virker indsatserne?" in text
    assert "Der er ingen statusrunde med startår, så effekten af indsatserne kan ikke " in text
    assert "Kommuner, der indførte" not in text
