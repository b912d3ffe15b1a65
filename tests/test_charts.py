"""naersund.charts: the specs carry the numbers, render to SVG, and their tables and CSV match."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from naersund import charts
from naersund.analysis import funnel_data
from naersund.analysis.trend import glide_path
from naersund.catalogue import Target
from naersund.charts.base import COMPARISON_LABELS
from naersund.charts.geo import clockwise, simplified_boundaries, simplify_ring


def _bars() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_code": [165, 151, 101, 147],
            "name": ["Albertslund", "Ballerup", "København", "Frederiksberg"],
            "value": [70.0, 40.0, 52.5, np.nan],
            "lower": [60.0, 38.0, 48.0, np.nan],
            "upper": [80.0, 42.0, 56.0, np.nan],
            "comparison": ["worse", "better", "similar", "not_compared"],
        }
    )


def _layer_values(spec: dict[str, Any], index: int = 0) -> list[dict[str, Any]]:
    data = spec["layer"][index].get("data") or spec["data"]
    return list(data["values"])


def test_bars_are_sorted_and_leave_suppressed_areas_to_the_table() -> None:
    c = charts.ci_bars(_bars(), national=50.0, unit="pr. 1.000", title="Test", highlight=165)
    assert c.spec["layer"][0]["encoding"]["y"]["sort"] == ["Albertslund", "København", "Ballerup"]
    assert "y" not in c.spec["layer"][2]["encoding"]  # the line for Denmark spans all bars
    assert [r["name"] for r in _layer_values(c.spec)] == ["Albertslund", "København", "Ballerup"]
    assert c.table["Område"].tolist() == ["Albertslund", "København", "Ballerup", "Frederiksberg"]
    assert c.table["Sammenligning"].tolist()[-1] == "Skjult (få tilfælde)"
    national_layer = c.spec["layer"][2]["data"]["values"]
    assert national_layer == [{"national": 50.0}]
    assert "50,0" in c.description  # Danish decimal comma


def test_every_chart_renders_to_svg_with_danish_numbers() -> None:
    c = charts.ci_bars(_bars(), national=50.0, unit="pr. 1.000", title="Forebyggelige")
    svg = c.svg()
    assert svg.startswith("<svg") and "Forebyggelige" in svg
    assert "Bedre end landet" in svg and "Dårligere end landet" in svg  # legend in words
    assert c.spec["config"]["locale"]["number"]["decimal"] == ","


def test_the_csv_is_for_danish_spreadsheets() -> None:
    c = charts.ci_bars(_bars(), national=50.0, unit="pr. 1.000", title="Test")
    text = c.csv()
    assert text.startswith("\ufeffOmråde;Værdi (pr. 1.000);")
    assert "Albertslund;70,0;60,0;80,0;Dårligere end landet" in text


def test_the_spine_chart_has_one_row_per_indicator_and_both_codes() -> None:
    rows = pd.DataFrame(
        {
            "indicator": ["A", "B"],
            "unit": ["pr. 1.000", "pct."],
            "comparison": ["better", "worse"],
            **{k: [1.0, 2.0] for k in ("value", "national", "region", "min", "q25")},
            **{k: [3.0, 4.0] for k in ("median", "q75", "max")},
            **{f"pos_{k}": [0.2, 0.8] for k in ("value", "region", "min", "q25", "median")},
            **{f"pos_{k}": [0.9, 0.1] for k in ("q75", "max")},
            "pos_national": [0.5, 0.5],
        }
    )
    c = charts.spine_chart(rows, "Albertslund", "KKR Hovedstaden")
    values = c.spec["data"]["values"]
    assert [v["indicator"] for v in values] == ["A", "B"]
    assert [v["sammenligning"] for v in values] == [
        COMPARISON_LABELS["better"],
        COMPARISON_LABELS["worse"],
    ]
    assert (values[1]["lo"], values[1]["hi"]) == (0.1, 0.8)  # the range runs either way
    point = c.spec["layer"][-1]["encoding"]
    assert point["shape"]["field"] == point["color"]["field"] == "sammenligning"
    assert list(c.table.columns[:5]) == [
        "Indikator",
        "Enhed",
        "Albertslund",
        "KKR Hovedstaden",
        "Danmark",
    ]
    assert "<svg" in c.svg()


def test_the_funnel_plot_draws_both_limits_and_every_point() -> None:
    rows = pd.DataFrame(
        {
            "area_code": [165, 151],
            "value": [30.0, 20.0],
            "std_value": [np.nan, np.nan],
            "numerator": [30, 20],
            "denominator": [100, 100],
            "suppressed": [False, False],
        }
    )
    f = funnel_data(
        rows, pd.Series({"value": 20.0, "std_value": np.nan}), "readmission_proportion", 100, True
    )
    c = charts.funnel_plot(
        f, {165: "Albertslund", 151: "Ballerup"}, "pct.", "Indeksindlæggelser", "Tragt", 165
    )
    lines = {r["line"] for r in _layer_values(c.spec, 0)}
    assert lines == {"lower_998", "lower_95", "baseline", "upper_95", "upper_998"}
    assert [r["name"] for r in _layer_values(c.spec, 1)] == ["Albertslund", "Ballerup"]
    assert c.table["Placering i tragten"].tolist() == ["over 95 %-grænsen", "inden for grænserne"]
    assert "<svg" in c.svg()


def test_the_map_colours_each_municipality_by_its_comparison() -> None:
    c = charts.choropleth(_bars(), "pr. 1.000", "Kort", area_codes=[165, 151, 101, 147])
    feats = c.spec["data"]["values"]["features"]
    got = {f["properties"]["name"]: f["properties"]["sammenligning"] for f in feats}
    assert got == {
        "Albertslund": "Dårligere end landet",
        "Ballerup": "Bedre end landet",
        "København": "Som landet",
        "Frederiksberg": "Ikke sammenlignet",
    }
    assert "skjult" in json.dumps(c.spec, ensure_ascii=False)  # Frederiksberg has no value
    assert "<svg" in c.svg()


def test_the_trend_chart_carries_the_glide_path() -> None:
    series = pd.DataFrame(
        {
            "year": [2013, 2014, 2013, 2014],
            "area": ["Albertslund", "Albertslund", "Danmark", "Danmark"],
            "value": [60.0, 57.0, 50.0, 49.0],
            "lower": [55.0, 52.0, 49.0, 48.0],
            "upper": [65.0, 62.0, 51.0, 50.0],
        }
    )
    t = Target(
        indicator="x", baseline_year=2013, target_year=2015, relative_change_pct=-10, source="s"
    )
    own = series[series["area"] == "Albertslund"]
    c = charts.trend_chart(series, "pr. 1.000", "Udvikling", glide_path(t, own))
    glide = [layer for layer in c.spec["layer"] if layer.get("mark", {}).get("strokeDash")]
    assert glide[0]["data"]["values"] == [
        {"year": 2013, "glide": 60.0},
        {"year": 2014, "glide": 57.0},
        {"year": 2015, "glide": pytest.approx(54.0)},
    ]
    assert c.table.columns.tolist() == ["År", "Albertslund", "Danmark", "Glidebane (mål)"]
    assert c.table["År"].tolist() == [2013, 2014, 2015]
    assert "glidebane" in c.description
    assert "<svg" in c.svg()


def test_simplified_boundaries_keep_every_municipality_and_are_small() -> None:
    geo = simplified_boundaries()
    assert len(geo["features"]) == 98
    assert len(json.dumps(geo)) < 200_000
    ring = np.array([[0.0, 0.0], [1.0, 0.001], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]])
    assert len(simplify_ring(ring, 0.01)) == 5  # the nearly straight point goes
    ccw = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]])
    assert clockwise(ccw).tolist() == ccw[::-1].tolist()


def test_the_trend_chart_names_its_areas_in_a_legend() -> None:
    series = pd.DataFrame(
        {
            "year": [2013, 2014] * 3,
            "area": ["Albertslund"] * 2 + ["KKR Hovedstaden"] * 2 + ["Danmark"] * 2,
            "value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            "lower": [0.5, 1.5, 2.5, 3.5, 4.5, 5.5],
            "upper": [1.5, 2.5, 3.5, 4.5, 5.5, 6.5],
        }
    )
    svg = charts.trend_chart(series, "pr. 1.000 borgere", "Udvikling").svg()
    # Without a legend the three lines cannot be told apart on paper.
    for label in ("Område", "Albertslund", "KKR Hovedstaden", "Danmark"):
        assert f">{label}</text>" in svg


# --- Sammenlign kommuner: the own municipality, the funnel's labels, the map's extent --------


def test_the_highlighted_bar_has_a_bold_label_and_the_description_says_so() -> None:
    c = charts.ci_bars(_bars(), national=50.0, unit="pr. 1.000", title="Test", highlight=151)
    weight = c.spec["layer"][0]["encoding"]["y"]["axis"]["labelFontWeight"]
    assert weight["condition"] == {"test": 'datum.value === "Ballerup"', "value": "bold"}
    assert "Ballerup er fremhævet" in c.description
    plain = charts.ci_bars(_bars(), national=50.0, unit="pr. 1.000", title="Test")
    assert "axis" not in plain.spec["layer"][0]["encoding"]["y"]
    assert "fremhævet" not in plain.description


def _funnel(highlight: int | None) -> charts.Chart:
    rows = pd.DataFrame(
        {
            "area_code": [165, 151, 101],
            "value": [30.0, 20.0, 22.0],
            "std_value": [np.nan] * 3,
            "numerator": [30, 20, 22],
            "denominator": [100, 100, 100],
            "suppressed": [False] * 3,
        }
    )
    f = funnel_data(
        rows, pd.Series({"value": 20.0, "std_value": np.nan}), "readmission_proportion", 100, True
    )
    names = {165: "Albertslund", 151: "Ballerup", 101: "København"}
    return charts.funnel_plot(f, names, "pct.", "Indeksindlæggelser", "Tragt", highlight)


def test_the_funnel_labels_every_point_on_hover_and_the_own_municipality_always() -> None:
    c = _funnel(165)
    points = c.spec["layer"][1]["encoding"]["tooltip"]
    assert points[0] == {"field": "name", "title": "Kommune"}
    label = c.spec["layer"][2]
    assert label["mark"]["type"] == "text" and label["encoding"]["text"] == {"field": "name"}
    assert [r["name"] for r in label["data"]["values"]] == ["Albertslund"]
    assert "Albertslund er fremhævet og navngivet" in c.description
    assert "<svg" in c.svg() and ">Albertslund<" in c.svg()
    assert len(_funnel(None).spec["layer"]) == 2  # no name layer without a municipality


def _ring_points(geometry: dict[str, Any]) -> np.ndarray:
    coords = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        coords = [coords]
    return np.array([p for poly in coords for ring in poly for p in ring])


def test_a_kkrs_map_draws_only_its_municipalities_and_says_which() -> None:
    c = charts.choropleth(
        _bars(), "pr. 1.000", "Kort", [165, 151, 101, 147], 165, "KKR Hovedstaden"
    )
    feats = c.spec["data"]["values"]["features"]
    assert sorted(f["properties"]["kommunekode"] for f in feats) == [101, 147, 151, 165]
    assert len(c.spec["layer"]) == 1  # no inset: the projection fits the four
    assert c.description.startswith("Kort over de 4 kommuner i KKR Hovedstaden: Kort.")
    assert "Albertslund har sort kant" in c.description


def test_the_national_map_shows_bornholm_in_a_framed_inset_where_nothing_else_is() -> None:
    c = charts.choropleth(_bars(), "pr. 1.000", "Kort")
    feats = c.spec["data"]["values"]["features"]
    assert len(feats) == 98
    assert "alle 98 kommuner; Bornholm er flyttet op i rammen øverst til højre" in c.description
    frame = c.spec["layer"][1]["data"]["values"]["features"][0]["geometry"]
    box = _ring_points(frame)
    x0, y0, x1, y1 = box[:, 0].min(), box[:, 1].min(), box[:, 0].max(), box[:, 1].max()
    by_code = {f["properties"]["kommunekode"]: f for f in feats}
    bornholm = _ring_points(by_code[400]["geometry"])
    assert (bornholm[:, 0] > x0).all() and (bornholm[:, 0] < x1).all()
    assert (bornholm[:, 1] > y0).all() and (bornholm[:, 1] < y1).all()
    # the shipped Bornholm lies east of 14.5° and south of 55.4°; moved, it is beside Skagen's
    # latitude and just east of Zealand's longitude
    assert bornholm[:, 0].max() < 13.5 and bornholm[:, 1].min() > 57.0
    for code, f in by_code.items():
        if code == 400:
            continue
        pts = _ring_points(f["geometry"])
        inside = (pts[:, 0] > x0) & (pts[:, 0] < x1) & (pts[:, 1] > y0) & (pts[:, 1] < y1)
        assert not inside.any(), f["properties"]["name"]
    assert "<svg" in c.svg()


def test_kkr_hovedstadens_map_keeps_bornholm_in_an_inset_beside_the_capital() -> None:
    from naersund.analysis.profiles import members_of

    codes = members_of(1084)
    c = charts.choropleth(_bars(), "pr. 1.000", "Kort", codes, None, "KKR Hovedstaden")
    assert "i KKR Hovedstaden; Bornholm er flyttet op i rammen" in c.description
    feats = {f["properties"]["kommunekode"]: f for f in c.spec["data"]["values"]["features"]}
    bornholm = _ring_points(feats[400]["geometry"])
    others = np.vstack([_ring_points(f["geometry"]) for k, f in feats.items() if k != 400])
    assert bornholm[:, 0].min() > others[:, 0].max()  # right of the others
    assert bornholm[:, 1].max() <= others[:, 1].max() + 1e-6  # not above them
    nordjylland = charts.choropleth(_bars(), "pr. 1.000", "Kort", members_of(1081), None, "x")
    assert len(nordjylland.spec["layer"]) == 1 and "Bornholm" not in nordjylland.description
