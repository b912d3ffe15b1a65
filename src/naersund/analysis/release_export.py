"""The whole release as one table, with its data dictionary, for download (CSV, XLSX,
Parquet) and for the API's paged endpoint.

Every row is one published cell: the headline figure as every page shows it
(:attr:`PublishedResults.figures`: value, interval, measure, verdict, Denmark, KKR) beside the
published counts and the crude and standardised values. Suppressed cells stay suppressed: they
have no number in any column (the release already has none; this module blanks them again, so
no future column can leak one).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from naersund.analysis.area_view import release_level_notes
from naersund.analysis.benchmark import area_name
from naersund.analysis.published import PublishedResults

#: column -> what it holds (Danish): the data dictionary, in the table's column order.
DICTIONARY: dict[str, str] = {
    "release_id": "Udgivelsens nummer (siden Udgivelser).",
    "indicator": "Indikatorens id (definitionssiden /indikatorer/definition/<id>/).",
    "indicator_name": "Indikatorens navn.",
    "definition_version": "Versionen af indikatorens definition, som udgivelsen er beregnet med.",
    "level": "Områdets niveau: land, region (KKR), kommune eller et andet områdeniveau "
    "(region2027, kkr, sundhedsraad; se docs/areas.md).",
    "area_code": "Områdets kode: 0 for Danmark, regionskode (1081-1085) eller kommunekode.",
    "area_name": "Områdets navn.",
    "year": "Året.",
    "measure": "Hvilket tal overskriftstallet er: aldersstandardiseret eller rå.",
    "value": "Overskriftstallet (det, siderne og rapporterne viser).",
    "lower_ci": "Nedre grænse af overskriftstallets 95 %-konfidensinterval.",
    "upper_ci": "Øvre grænse af overskriftstallets 95 %-konfidensinterval.",
    "verdict": "Sammenlignet med landet: better (bedre), similar (som), worse (dårligere) "
    "eller not_compared (ikke sammenlignet).",
    "denmark": "Danmarks overskriftstal samme år.",
    "kkr": "Områdets KKR's overskriftstal samme år (tomt for Danmark).",
    "numerator": "Tæller (antal hændelser).",
    "denominator": "Nævner (befolkning eller antal indeksindlæggelser).",
    "crude_value": "Råt tal (ikke standardiseret).",
    "crude_lower_ci": "Nedre grænse af det rå tals 95 %-konfidensinterval.",
    "crude_upper_ci": "Øvre grænse af det rå tals 95 %-konfidensinterval.",
    "std_value": "Aldersstandardiseret tal (alder og køn); tomt, hvor indikatoren ikke "
    "standardiseres eller der er for få hændelser.",
    "std_lower_ci": "Nedre grænse af det standardiserede tals 95 %-konfidensinterval.",
    "std_upper_ci": "Øvre grænse af det standardiserede tals 95 %-konfidensinterval.",
    "suppressed": "true, når cellen er skjult af diskretionering (få tilfælde); så har den "
    "ingen tal.",
    "note": "Bemærkning fra beregningen.",
}
NUMBERS = [
    "value",
    "lower_ci",
    "upper_ci",
    "denmark",
    "kkr",
    "numerator",
    "denominator",
    "crude_value",
    "crude_lower_ci",
    "crude_upper_ci",
    "std_value",
    "std_lower_ci",
    "std_upper_ci",
]
HIDDEN_WITH_THE_CELL = [c for c in NUMBERS if c not in ("denmark", "kkr")]


def release_table(pub: PublishedResults, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The release as one table with the columns of :data:`DICTIONARY`, sorted by indicator,
    level, area and year. ``names``: indicator id -> Danish name (default: the id)."""
    keys = ["indicator", "level", "area_code", "year"]
    heads = pub.figures[[*keys, "measure", "value", "lower", "upper", "verdict", "denmark", "kkr"]]
    r = pub.results.reset_index(drop=True)
    f = r[keys].merge(heads, on=keys, how="left", validate="one_to_one")
    names = names or {}
    areas = {
        (lv, int(a)): area_name(str(lv), int(a))
        for lv, a in set(zip(r["level"], r["area_code"], strict=True))
    }
    out = pd.DataFrame(
        {
            "release_id": pub.release_id,
            "indicator": r["indicator"].astype(str),
            "indicator_name": [names.get(str(i), str(i)) for i in r["indicator"]],
            "definition_version": [pub.definitions.get(str(i)) for i in r["indicator"]],
            "level": r["level"].astype(str),
            "area_code": r["area_code"].astype(int),
            "area_name": [
                areas[(lv, int(a))] for lv, a in zip(r["level"], r["area_code"], strict=True)
            ],
            "year": r["year"].astype(int),
            "measure": f["measure"],
            "value": f["value"],
            "lower_ci": f["lower"],
            "upper_ci": f["upper"],
            "verdict": f["verdict"],
            "denmark": f["denmark"],
            "kkr": f["kkr"],
            "numerator": r["numerator"],
            "denominator": r["denominator"],
            "crude_value": r["value"],
            "crude_lower_ci": r["lower_ci"],
            "crude_upper_ci": r["upper_ci"],
            "std_value": r["std_value"],
            "std_lower_ci": r["std_lower_ci"],
            "std_upper_ci": r["std_upper_ci"],
            "suppressed": r["suppressed"].astype(bool),
            "note": r["note"].fillna("").astype(str),
        }
    )
    hidden = out["suppressed"].to_numpy()
    for c in HIDDEN_WITH_THE_CELL:
        out[c] = out[c].astype(np.float64).where(~hidden)
    out["definition_version"] = out["definition_version"].astype("Int64")
    return out.sort_values(["indicator", "level", "area_code", "year"]).reset_index(drop=True)


def dictionary_frame() -> pd.DataFrame:
    return pd.DataFrame({"kolonne": list(DICTIONARY), "beskrivelse": list(DICTIONARY.values())})


def _about(pub: PublishedResults) -> list[tuple[str, str]]:
    start, end = pub.data_period
    rows = [
        ("Udgivelse", str(pub.release_id)),
        ("Data", f"{start:%d.%m.%Y}-{end:%d.%m.%Y}"),
        ("Dataudtræk", f"{pub.data_cut:%d.%m.%Y}"),
        ("Programversion", pub.code_version),
        ("Definitioner", json.dumps(pub.definitions, ensure_ascii=False, sort_keys=True)),
    ]
    if pub.synthetic:
        rows.append(("SYNTETISKE DATA", "tallene siger intet om virkelige kommuner"))
    # how each level above the municipality is made, since when it exists, whether its
    # membership is verified (the sundhedsråd's is not), as the pages say it
    rows += [(f"Niveau {n.level} ({n.name})", ". ".join(n.notes)) for n in release_level_notes(pub)]
    return rows


def to_csv(frame: pd.DataFrame) -> str:
    """CSV for Danish spreadsheets like every CSV download (``;``, decimal comma, UTF-8 BOM);
    a suppressed cell's numbers are empty."""
    buf = io.StringIO()
    frame.to_csv(buf, sep=";", decimal=",", index=False)
    return "\ufeff" + buf.getvalue()


def to_xlsx(
    frame: pd.DataFrame, pub: PublishedResults, breakdowns: pd.DataFrame | None = None
) -> bytes:
    """Sheets "Resultater" (the table, numbers as numbers, empty where suppressed),
    "Dataordbog" (every column explained) and "Om udgivelsen"; with ``breakdowns`` (the
    release's, :func:`naersund.analysis.breakdowns.download_frame`) also "Opdeling"."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    data = wb.create_sheet("Resultater")
    data.append(list(frame.columns))
    for rec in frame.astype(object).itertuples(index=False):
        data.append([None if _missing(v) else v for v in rec])
    words = wb.create_sheet("Dataordbog")
    words.append(["kolonne", "beskrivelse"])
    for k, v in DICTIONARY.items():
        words.append([k, v])
    if breakdowns is not None:
        sheet = wb.create_sheet("Opdeling")
        sheet.append(list(breakdowns.columns))
        for rec in breakdowns.astype(object).itertuples(index=False):
            sheet.append([None if _missing(v) else v for v in rec])
    about = wb.create_sheet("Om udgivelsen")
    for k, v in _about(pub):
        about.append([k, v])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def to_parquet(frame: pd.DataFrame, pub: PublishedResults) -> bytes:
    """Parquet (pyarrow) with the data dictionary and the release's provenance in the file's
    key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"naersund.dictionary"] = json.dumps(DICTIONARY, ensure_ascii=False).encode()
    meta[b"naersund.release"] = json.dumps(dict(_about(pub)), ensure_ascii=False).encode()
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return buf.getvalue()
