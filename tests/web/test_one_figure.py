"""One truth: a municipality × indicator × year shows the same value, interval, verdict and
Denmark figure, with the same label, on the web page, in the three PDF levels, in the XLSX and
in the API (issue 15, "The same figure everywhere").

The expected figure is worked out here from the published rows, not through the code that
chooses it: the standardised value and interval where the indicator is standardised (has
standardised values), Denmark's standardised value, and the published comparison. The cell is
chosen so that the crude value differs from the standardised one, so a page that shows the
crude value fails."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from dashboard_data import results_for
from pypdf import PdfReader
from web_personas import ALBERTSLUND, Personas

from naersund import fmt
from naersund.web.dashboard import releases

YEAR = 2014
VERDICT = {"better": "Bedre end landet", "similar": "Som landet", "worse": "Dårligere end landet"}


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


def _the_cell(r: pd.DataFrame) -> dict[str, Any]:
    """Albertslund's cell of a standardised indicator in 2014 whose standardised value,
    rounded as printed, differs from the crude one, with Denmark's standardised value."""
    for ind in sorted(r["indicator"].unique()):
        rows = r[r["indicator"] == ind]
        if not rows["std_value"].notna().any():
            continue
        own = rows[(rows["level"] == "kommune") & (rows["area_code"] == ALBERTSLUND)]
        own = own[(own["year"] == YEAR) & ~own["suppressed"] & own["std_value"].notna()]
        land = rows[(rows["level"] == "land") & (rows["year"] == YEAR)]
        if own.empty or land.empty:
            continue
        row = own.iloc[0]
        if fmt.number(row["std_value"]) == fmt.number(row["value"]):
            continue
        return {
            "indicator": ind,
            "value": float(row["std_value"]),
            "lower": float(row["std_lower_ci"]),
            "upper": float(row["std_upper_ci"]),
            "crude": float(row["value"]),
            "crude_lower": float(row["lower_ci"]),
            "crude_upper": float(row["upper_ci"]),
            "denmark": float(land.iloc[0]["std_value"]),
            "verdict": str(row["comparison"]),
        }
    raise AssertionError("no standardised cell for Albertslund in the test release")


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf(client: Any, level: str) -> str:
    url = f"/rapporter/?hent=1&omraade=kommune-{ALBERTSLUND}&niveau={level}&aar={YEAR}&format="
    response = client.get(url + "pdf")
    assert response.status_code == 200
    return _words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages))


def test_the_same_figure_on_the_page_in_every_pdf_in_the_xlsx_and_in_the_api(
    personas: Personas, release: releases.PublishedResults
) -> None:
    cell = _the_cell(release.results)
    name = next(d for d in release.results["indicator"].unique() if d == cell["indicator"])
    value, lower, upper = (fmt.number(cell[k]) for k in ("value", "lower", "upper"))
    denmark, crude = fmt.number(cell["denmark"]), fmt.number(cell["crude"])
    crude_interval = f"{fmt.number(cell['crude_lower'])}–{fmt.number(cell['crude_upper'])}"
    verdict = VERDICT[cell["verdict"]]
    client = personas.client("reader")

    # the web page: the municipality's row of that indicator
    html = client.get(f"/indikatorer/kommune/{ALBERTSLUND}/?aar={YEAR}").content.decode()
    row = re.search(rf'definition/{name}/".*?</tr>', html, re.S)
    assert row is not None
    text = _words(re.sub(r"<[^>]+>", " ", row.group(0)))
    assert f" {value} " in text and f"{lower}–{upper}" in text and f" {denmark} " in text
    assert verdict in text and "aldersstandardiseret" in text
    assert f" {crude} " not in text

    # the three PDF levels
    political = _pdf(client, "politisk")
    assert value in political and f"{lower}–{upper}" in political and denmark in political
    assert verdict in political and "aldersstandardiseret" in political
    director = _pdf(client, "direktoer")
    assert value in director and lower in director and upper in director
    assert verdict in director and "aldersstandardiseret" in director
    professional = _pdf(client, "fagligt")
    assert value in professional and lower in professional and upper in professional
    assert verdict in professional and "aldersstandardiseret" in professional
    # the crude interval is nowhere (the crude value itself can coincide with an axis tick)
    for text in (political, director, professional):
        assert crude_interval not in text and crude_interval.replace("–", " ") not in text

    # the XLSX: the key figures row of the indicator
    url = f"/rapporter/?hent=1&omraade=kommune-{ALBERTSLUND}&niveau=politisk&aar={YEAR}"
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    rows = [r for r in book["Nøgletal"].iter_rows(values_only=True) if r[0]]
    header = next(i for i, r in enumerate(rows) if r[0] == "Indikator")
    by_name = {r[0]: r for r in rows[header + 1 :]}
    defs = {d.id: f"{d.name_da} ({d.status})" for d in releases_definitions()}  # status shown
    got = by_name[defs[name]]
    assert got[2] == "aldersstandardiseret"
    assert got[3:7] == pytest.approx([cell["value"], cell["lower"], cell["upper"], cell["denmark"]])
    assert got[7] == verdict

    # the API
    answer = client.get(
        f"/api/results/?indicator={name}&level=kommune&area={ALBERTSLUND}&year={YEAR}"
    ).json()
    (result,) = answer["results"]
    figure = result["figure"]
    assert figure["measure"] == "aldersstandardiseret"
    assert [figure[k] for k in ("value", "lower_ci", "upper_ci", "denmark")] == pytest.approx(
        [cell["value"], cell["lower"], cell["upper"], cell["denmark"]]
    )
    assert figure["verdict"] == cell["verdict"]
    assert figure["definition_version"] == release.definitions[name]


def releases_definitions() -> list[Any]:
    from naersund.indicators import load_definitions

    return load_definitions()
