"""The money questions in the web form, the page "Økonomi i statusrunden" and its XLSX (the
same numbers), and who sees a municipality's amounts: every persona, asserting the amount is
absent where it must be, not only the status code."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from web_personas import ALBERTSLUND, EVERYONE, HOVEDSTADEN, Personas

from naersund.survey.kroner import VED_IKKE
from naersund.survey.money import money_qid, theme_qid
from naersund.web.survey import services
from naersund.web.survey.models import Round

HJEM = "hovedstaden_opfoelgende_hjemmebesoeg"
KR_HJEM = money_qid(HJEM)
REHAB = theme_qid("rehabilitering")
ALDRE = theme_qid("aeldre")
BALLERUP, BROENDBY, HERLEV = 151, 153, 163
SECRET = 1_234_567  # Albertslund's amount on rehabilitering: its own answer
SECRET_TEXT = "1.234.567 kr."
# who may see Albertslund's own answers in a round that is not published
ALBERTSLUND_READERS = {"admin", "kkr_hovedstaden", "albertslund", "sr_amager_vestegnen"}


def _round(slug: str = "penge", closed: bool = False) -> Round:
    today = timezone.localdate()
    opens = today - dt.timedelta(days=30 if closed else 1)
    closes = today - dt.timedelta(days=1) if closed else today + dt.timedelta(days=1)
    return services.create_round(
        slug=slug,
        title_da="Opfølgning (penge)",
        year=2014,
        opens_on=opens,
        closes_on=closes,
        money=True,
    )


def _statuses(rnd: Round, code: int) -> dict[str, Any]:
    return {q.qid: "planlagt" for q in services.questions_for(rnd, code) if q.kind == "status"}


def _submit(rnd: Round, code: int, user: Any, values: dict[str, Any]) -> None:
    services.save_answers(rnd, code, user, _statuses(rnd, code) | values, allow_closed=True)
    services.submit(rnd, code, user, allow_closed=True)


@pytest.fixture
def answered(personas: Personas) -> Round:
    """Four municipalities of KKR Hovedstaden have submitted: three amounts on opfølgende
    hjemmebesøg (600.000 kr. in all) and a "ved ikke"; Albertslund alone gives an amount on
    rehabilitering (1.234.567 kr.), so that theme's sum is its own answer."""
    rnd = _round()
    admin = personas.admin
    _submit(rnd, ALBERTSLUND, admin, {KR_HJEM: 100_000, REHAB: SECRET, ALDRE: VED_IKKE})
    _submit(rnd, BALLERUP, admin, {KR_HJEM: 200_000})
    _submit(rnd, BROENDBY, admin, {KR_HJEM: 300_000})
    _submit(rnd, HERLEV, admin, {KR_HJEM: VED_IKKE})
    return rnd


# --- the form ---------------------------------------------------------------------------------


def _hidden(html: str) -> dict[str, Any]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_an_editor_answers_in_kroner_or_ved_ikke(personas: Personas) -> None:
    rnd = _round()
    client = personas.client("albertslund")
    url = f"/status/{rnd.slug}/kommune/{ALBERTSLUND}/"
    html = client.get(url).content.decode()
    assert "Hvor mange kr. af kommunens sundhedsbudget bruges på indsatsen i 2014?" in html
    assert f'name="{REHAB}:ved_ikke"' in html and "Hvad bruges løftet til? (2014)" in html
    data = _hidden(html) | {"action": "gem", KR_HJEM: "1.250.000", f"{REHAB}:ved_ikke": "1"}
    assert client.post(url, data).status_code == 302
    answers = services.answers_of(services.response_of(rnd, ALBERTSLUND))
    assert answers[KR_HJEM].value == 1_250_000 and answers[REHAB].value == VED_IKKE
    html = client.get(url).content.decode()
    assert 'value="1.250.000"' in html
    assert re.search(rf'name="{re.escape(REHAB)}:ved_ikke" value="1" checked', html)


def test_bad_amounts_get_danish_messages_and_nothing_is_saved(personas: Personas) -> None:
    rnd = _round()
    client = personas.client("albertslund")
    url = f"/status/{rnd.slug}/kommune/{ALBERTSLUND}/"
    data = _hidden(client.get(url).content.decode()) | {
        "action": "gem",
        KR_HJEM: "1,5 mio",
        REHAB: "20000",
        f"{REHAB}:ved_ikke": "1",
    }
    html = client.post(url, data).content.decode()
    assert (
        "Fejl: Skriv beløbet i hele kroner (fx 1.250.000) eller »ved ikke«, ikke &#x27;1,5 "
        "mio&#x27;." in html
    )
    assert "Fejl: Skriv enten et beløb eller sæt kryds i »Ved ikke«, ikke begge." in html
    assert services.response_of(rnd, ALBERTSLUND) is None


def test_the_submitted_answer_shows_the_amount_per_initiative(
    personas: Personas, answered: Round
) -> None:
    html = (
        personas.client("albertslund")
        .get(f"/status/{answered.slug}/kommune/{ALBERTSLUND}/")
        .content.decode()
    )
    assert '<th scope="col">Kr. i 2014</th>' in html
    assert "<td>100.000 kr.</td>" in html
    assert SECRET_TEXT in html


# --- aggregates: page and XLSX ----------------------------------------------------------------


def _page(client: Any, rnd: Round, query: str = "") -> str:
    response = client.get(f"/status/{rnd.slug}/oekonomi/{query}")
    assert response.status_code == 200
    return str(response.content.decode())


def _sheet(client: Any, rnd: Round, name: str, query: str = "") -> list[tuple[Any, ...]]:
    response = client.get(f"/status/{rnd.slug}/oekonomi.xlsx{query}")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb[name].iter_rows(values_only=True))


def test_page_and_xlsx_show_the_same_sums_counts_and_coverage(
    personas: Personas, answered: Round
) -> None:
    client = personas.client("reader")
    query = f"?kkr={HOVEDSTADEN}"
    html = _page(client, answered, query)
    # 600.000 kr. of three amounts, one "ved ikke", 25 not answered of 29 asked... of those who
    # submitted: 4 asked, 3 amounts, 1 ved ikke, 0 open; 0 of 4 implemented
    assert (
        "600.000 kr." in html
        and "3 / 1 / 0" in html
        and '0 pct. <span class="count">(0 af 4)' in html
    )
    rows = _sheet(client, answered, "Kr. pr. indsats", query)
    header = rows.index(next(r for r in rows if r and r[0] == "Indsats"))
    line = next(r for r in rows[header + 1 :] if r[2] == 600_000)
    assert line[3:8] == (100.0, 3, 1, 0, 4)
    assert line[9] == 0  # implemented, pct.


def test_a_theme_sum_of_one_municipality_is_hidden_from_those_who_may_not_see_it(
    personas: Personas, answered: Round
) -> None:
    for name in EVERYONE[1:]:
        client = personas.client(name)
        html = _page(client, answered, f"?kkr={HOVEDSTADEN}")
        national = _page(client, answered)
        sheet = _sheet(client, answered, "Løftet pr. tema", f"?kkr={HOVEDSTADEN}")
        cells = [c for row in sheet for c in row]
        if name in ALBERTSLUND_READERS:
            assert SECRET_TEXT in html and SECRET_TEXT in national, name
            assert SECRET in cells, name
        else:
            assert SECRET_TEXT not in html and SECRET_TEXT not in national, name
            assert SECRET not in cells, name
            assert "Vises ikke (færre end 3 beløb)" in html, name


def test_each_municipality_s_own_amounts_only_for_those_who_may_see_its_answers(
    personas: Personas, answered: Round
) -> None:
    for name in EVERYONE[1:]:
        html = _page(personas.client(name), answered, f"?kkr={HOVEDSTADEN}")
        own_table = "Kommunernes svar" in html
        if name in ALBERTSLUND_READERS:
            assert own_table and '<th scope="row" class="text">Albertslund</th>' in html, name
        else:
            assert '<th scope="row" class="text">Albertslund</th>' not in html, name
    # a KKR secretariat sees all four; Albertslund's editor only its own
    kkr = _page(personas.client("kkr_hovedstaden"), answered, f"?kkr={HOVEDSTADEN}")
    assert '<th scope="row" class="text">Herlev</th>' in kkr
    own = _page(personas.client("albertslund"), answered, f"?kkr={HOVEDSTADEN}")
    assert '<th scope="row" class="text">Herlev</th>' not in own


def test_a_published_round_shows_every_amount_to_every_logged_in_user(
    personas: Personas,
) -> None:
    rnd = _round("penge-lukket", closed=True)
    _submit(rnd, ALBERTSLUND, personas.admin, {REHAB: SECRET})
    reader = personas.client("reader")
    assert SECRET_TEXT not in _page(reader, rnd)
    services.publish_round(rnd, personas.admin, publish=True)
    assert SECRET_TEXT in _page(reader, rnd)


def _selector(html: str) -> dict[str, list[str]]:
    """The area selector's optgroup labels -> the names of their options."""
    select = html.split('<select class="form-select" id="kkr" name="kkr">', 1)[1].split(
        "</select>", 1
    )[0]
    return {
        label: re.findall(r"<option [^>]*>([^<]+)</option>", body)
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    }


def test_the_area_selector_offers_what_the_results_page_offers(
    personas: Personas, answered: Round
) -> None:
    """The same choices as the round's results page (``result_areas.area_groups``): a
    sundhedsråd only for national administrators and its own secretariat."""
    own, other = "Sundhedsråd Amager og Vestegnen", "Sundhedsråd Københavns Omegn Nord"
    for name in ("admin", "sr_amager_vestegnen", "albertslund", "kkr_hovedstaden", "reader"):
        client = personas.client(name)
        money = _page(client, answered)
        results = client.get(f"/status/{answered.slug}/resultater/").content.decode()
        groups = _selector(money)
        assert groups == _selector(results), name
        assert len(groups["KKR"]) == 5, name
        names = [n for options in groups.values() for n in options]
        if name == "admin":
            assert own in groups["Sundhedsråd"] and other in groups["Sundhedsråd"]
        elif name == "sr_amager_vestegnen":
            assert groups["Sundhedsråd"] == [own]
            assert other not in money
        else:
            assert set(groups) == {"Hele landet", "KKR"}, name
            assert own not in money and other not in money, name
        assert names[0] == "Hele landet" and len(names) == len(set(names)), name


def test_anonymous_is_sent_to_log_in(personas: Personas, answered: Round) -> None:
    for url in (f"/status/{answered.slug}/oekonomi/", f"/status/{answered.slug}/oekonomi.xlsx"):
        response = personas.client("anonymous").get(url)
        assert response.status_code == 302 and SECRET_TEXT.encode() not in response.content


def test_a_round_without_money_questions_says_so(personas: Personas) -> None:
    today = timezone.localdate()
    rnd = services.create_round(
        slug="uden-penge",
        title_da="Uden penge",
        year=2014,
        opens_on=today,
        closes_on=today,
    )
    assert "Runden spørger ikke til økonomien." in _page(personas.client("reader"), rnd)


def test_a_stored_effect_estimate_stands_beside_its_initiative(
    personas: Personas, answered: Round
) -> None:
    from naersund.web.dashboard.models import EffectEstimate, EffectSet, Release

    day = dt.date(2016, 12, 31)
    release = Release.objects.create(
        data_period_start=day,
        data_period_end=day,
        data_cut=day,
        code_version="0",
        row_count=0,
        is_current=True,
    )
    made = EffectSet.objects.create(release=release, round=answered, answers_state="test")
    EffectEstimate.objects.create(
        effect_set=made,
        position=0,
        initiative=HJEM,
        indicator="genindlaeggelser",
        indicator_name="akutte genindlæggelser",
        relative_estimate=-0.12,
        relative_lower_ci=-0.2,
        relative_upper_ci=-0.04,
    )
    client = personas.client("reader")
    html = _page(client, answered)
    assert "akutte genindlæggelser: −12 pct. (−20 pct. til −4 pct.)" in html
    assert (
        f"Effektskøn: udgivelse {release.pk}, startår fra Opfølgning (penge); relativ effekt "
        "med 95 %-konfidensinterval." in html
    )
    body = client.get(f"/api/rounds/{answered.slug}/money/").json()
    hjem = next(i for i in body["initiatives"] if i["key"] == HJEM)
    assert hjem["effects"] == ["akutte genindlæggelser: −12 pct. (−20 pct. til −4 pct.)"]
    rows = _sheet(client, answered, "Kr. pr. indsats")
    assert any(r and r[-1] == hjem["effects"][0] for r in rows)


@pytest.mark.slow  # the demo's two rounds of 98 municipalities: about a minute
def test_the_demo_follow_up_has_synthetic_amounts_marked_as_such(personas: Personas) -> None:
    from django.core.management import call_command

    call_command("load_demo_survey", stdout=io.StringIO())
    assert not Round.objects.get(slug="status-2013").questions.filter(kind="kroner").exists()
    html = _page(personas.client("reader"), Round.objects.get(slug="opfoelgning-2014"))
    assert "SYNTETISKE DATA" in html
    assert "Indsendte besvarelser: 98 af 98 kommuner." in html
    amounts = re.findall(r'<td class="num nowrap">([0-9.]+) kr\.</td>', html)
    assert len(amounts) > 20  # initiatives and themes with sums shown
    economy = personas.client("reader").get("/oekonomi/").content.decode()
    assert '<a href="/status/opfoelgning-2014/oekonomi/">Økonomi i Opfølgning 2014</a>' in economy
    open_round = Round.objects.get(slug="opfoelgning-aaben")
    assert open_round.questions.filter(qid=KR_HJEM).exists()
