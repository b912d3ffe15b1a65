"""Smoothed values as a labelled alternative (issue 12, "small municipalities, honestly"): the
value the Kommuneprofil, Sammenlign and the packs show is the library's, worked out again here
by hand from the published rows (Marshall 1991 within the KKR, on the equivalent population of
the standardised rate) for the smallest municipality with a published cell, and the verdict
beside it is still the published one of the unsmoothed interval."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from dashboard_data import results_for
from pypdf import PdfReader
from web_personas import Personas

from naersund import fmt
from naersund.analysis.smoothed import LABEL_DA, smoothed_value
from naersund.indicators import load_definitions
from naersund.refdata import region_of
from naersund.survey.questions import municipality_name
from naersund.web.dashboard import releases

YEAR = 2014
IND = "forebyggelige_indlaeggelser_65"  # standardised
LAESOE = 825
VERDICT = {"better": "Bedre end landet", "similar": "Som landet", "worse": "Dårligere end landet"}


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(db: None, results_file: Path) -> releases.PublishedResults:
    releases.publish(results_file)
    return releases.load_release()


def _by_hand(r: pd.DataFrame) -> dict[str, Any]:
    """Læsø if it has a published cell, else the smallest municipality that has one; its
    smoothed value written out from the published rows of its KKR."""
    mult = next(d.multiplier for d in load_definitions() if d.id == IND)
    rows = r[(r["indicator"] == IND) & (r["level"] == "kommune") & (r["year"] == YEAR)]
    rows = rows[~rows["suppressed"].astype(bool) & (rows["numerator"] > 0)]
    rows = rows[rows["std_value"].notna() & (rows["std_value"] > 0)]
    codes = rows["area_code"].astype(int).tolist()
    code = LAESOE if LAESOE in codes else int(rows.sort_values("denominator")["area_code"].iloc[0])
    kkr = region_of()[code]
    group = rows[rows["area_code"].map(region_of()) == kkr]
    o = group["numerator"].astype(float).tolist()
    n = (group["numerator"] * mult / group["std_value"]).astype(float).tolist()  # equivalent
    i = group["area_code"].astype(int).tolist().index(code)
    m = sum(o) / sum(n)
    rates = [oi / ni for oi, ni in zip(o, n, strict=True)]
    s2 = sum(ni * (ri - m) ** 2 for ni, ri in zip(n, rates, strict=True)) / sum(n)
    a = max(s2 - m / (sum(n) / len(n)), 0.0)
    c = a / (a + m / n[i])
    own = rows[rows["area_code"] == code].iloc[0]
    return {
        "code": code,
        "kkr": kkr,
        "smoothed": (m + c * (rates[i] - m)) * mult,
        "value": float(own["std_value"]),
        "verdict": str(own["comparison"]),
    }


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_smoothed_value_is_the_library_s_on_the_page_and_in_the_packs(
    personas: Personas, release: releases.PublishedResults
) -> None:
    want = _by_hand(release.results)
    code, shown = want["code"], fmt.number(want["smoothed"])
    got = smoothed_value(release, IND, code, YEAR)
    assert got is not None and got.value == pytest.approx(want["smoothed"], rel=1e-9)
    client = personas.client("reader")

    # Kommuneprofil: beside the published value, with the published verdict
    html = client.get(f"/indikatorer/kommune/{code}/?aar={YEAR}").content.decode()
    row = re.search(rf'definition/{IND}/".*?</tr>', html, re.S)
    assert row is not None
    text = _words(re.sub(r"<[^>]+>", " ", row.group(0)))
    assert f"Udjævnet : {shown}" in text or f"Udjævnet: {shown}" in text
    assert fmt.number(want["value"]) in text and VERDICT[want["verdict"]] in text
    assert "bygger altid på den ikke-udjævnede værdi" in html and LABEL_DA in html

    # Sammenlign: the bars' numbers have the smoothed value in their own column
    url = f"/indikatorer/sammenlign/?indikator={IND}&kkr={want['kkr']}&aar={YEAR}"
    page = client.get(url).content.decode()
    assert "bygger altid på den ikke-udjævnede værdi" in page
    table = list(csv.DictReader(io.StringIO(client.get(url + "&csv=bars").content.decode(
        "utf-8-sig")), delimiter=";"))  # fmt: skip
    mine = next(r for r in table if r["Område"] == municipality_name(code))
    assert float(mine[LABEL_DA].replace(",", ".")) == pytest.approx(want["smoothed"], rel=1e-9)
    assert mine["Sammenligning"] == VERDICT[want["verdict"]]

    # the director pack (PDF) and the professional pack (XLSX, numbers kept)
    base = f"/rapporter/?hent=1&omraade=kommune-{code}&aar={YEAR}"
    pdf = client.get(base + "&niveau=direktoer&format=pdf")
    words = _words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    section = words.split("Udjævnede værdier (empirisk Bayes)")[1]
    assert shown in section and "ikke-udjævnede" in section
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(base + "&niveau=fagligt&format=xlsx").content)
    )
    rows = [r for r in book["Udjævnede værdier"].iter_rows(values_only=True) if r[0]]
    header = next(i for i, r in enumerate(rows) if r[0] == "Indikator")
    mine_x = next(r for r in rows[header + 1 :] if str(r[0]).startswith("Forebyggelige"))
    cols = list(rows[header])
    assert mine_x[cols.index(LABEL_DA)] == pytest.approx(want["smoothed"], rel=1e-9)
    assert mine_x[cols.index("Værdi")] == pytest.approx(want["value"], rel=1e-9)
    assert mine_x[cols.index("Sammenlignet med landet (ikke-udjævnet)")] == VERDICT[want["verdict"]]
