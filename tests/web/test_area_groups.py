"""Issue 14: user-defined groups of municipalities (defined by a national administrator,
checked, stored), compared with on Overblik; and the Kommuneprofil's "Sammenlignelige
kommuner", the neighbours the library computes, with a link to Overblik with them."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from dashboard_data import results_for
from django.core.exceptions import ValidationError
from web_personas import AALBORG, ALBERTSLUND, Personas

from naersund.analysis.neighbours import comparable_municipalities
from naersund.analysis.profiles import municipality_names
from naersund.web.areas.models import MunicipalityGroup
from naersund.web.dashboard import releases
from naersund.web.dashboard.models import Release

pytestmark = pytest.mark.django_db
OVERBLIK = "/indikatorer/overblik/"
ROW_NAME = re.compile(r'<tr(?: class="ov-own")?>\s*<th scope="row"><a [^>]*>([^<]+)</a>')
VESTEGNEN = [165, 153, 167, 183]  # Albertslund, Brøndby, Hvidovre, Ishøj


@pytest.fixture(scope="session")
def results_file(synthetic_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return results_for(synthetic_dir, tmp_path_factory.getbasetemp())


@pytest.fixture
def release(results_file: Path) -> Release:
    return releases.publish(results_file)


def _group(slug: str = "vestegnen", members: list[int] | None = None) -> MunicipalityGroup:
    g = MunicipalityGroup(
        slug=slug, name_da="Vestegnens samarbejde", members=members or list(VESTEGNEN)
    )
    g.full_clean()
    g.save()
    return g


def test_a_group_needs_known_codes_two_members_and_a_free_id(personas: Personas) -> None:
    cases = [
        ("vestegnen", [165, 9999], "members", "'9999' er ikke en kommunekode for en af de 98"),
        ("vestegnen", [165], "members", "En gruppe skal have mindst 2 kommuner (har 1)."),
        ("vestegnen", [165, 165], "members", "Kommune 165 Albertslund står to gange."),
        ("sundhedsraad", [165, 153], "slug", "'sundhedsraad' er allerede et niveau i naersund"),
    ]
    for slug, members, field, message in cases:
        g = MunicipalityGroup(slug=slug, name_da="Gruppe", members=members)
        with pytest.raises(ValidationError) as exc:
            g.full_clean()
        assert message in " ".join(exc.value.message_dict[field])
    assert not MunicipalityGroup.objects.exists()
    g = _group(members=[183, 165, 153])
    assert g.members == [153, 165, 183]  # stored sorted
    level = g.level()
    assert (level.id, level.partition, level.latest.areas[0].members) == (
        "vestegnen",
        False,
        (153, 165, 183),
    )


def test_only_the_national_admin_defines_groups_in_the_admin(personas: Personas) -> None:
    form = {"slug": "vestegnen", "name_da": "Vestegnens samarbejde", "description_da": ""}
    form_members = {"members": [str(k) for k in VESTEGNEN]}
    url = "/admin/areas/municipalitygroup/add/"
    refused = personas.client("kkr_hovedstaden").post(url, {**form, **form_members})
    assert refused.status_code == 403 and not MunicipalityGroup.objects.exists()
    too_few = personas.client("admin").post(url, {**form, "members": ["165"]})
    assert "En gruppe skal have mindst 2 kommuner (har 1)." in too_few.content.decode()
    assert not MunicipalityGroup.objects.exists()
    done = personas.client("admin").post(url, {**form, **form_members})
    assert done.status_code == 302
    assert MunicipalityGroup.objects.get().codes() == frozenset(VESTEGNEN)


def test_overblik_offers_the_group_and_compares_with_it(
    release: Release, personas: Personas
) -> None:
    _group()
    client = personas.client("reader")
    html = client.get(OVERBLIK).content.decode()
    link = re.search(r'<a href="([^"]+)">Vestegnens samarbejde</a> \(4 kommuner\)', html)
    assert link is not None
    query = parse_qs(urlsplit(unescape(link.group(1))).query)
    assert sorted(int(k) for k in query["kommuner"]) == sorted(VESTEGNEN)
    shown = client.get(OVERBLIK + unescape(link.group(1))).content.decode()
    names = municipality_names()
    assert sorted(ROW_NAME.findall(shown)) == sorted(names[k] for k in VESTEGNEN)
    assert 'aria-current="true">Vestegnens samarbejde</a>' in shown
    assert "Aalborg" not in ROW_NAME.findall(shown)


def test_the_profile_names_the_neighbours_the_library_computes(
    release: Release, personas: Personas
) -> None:
    year = releases.results_of(release).years[-1]
    html = personas.client("reader").get(f"/indikatorer/kommune/{ALBERTSLUND}/").content.decode()
    block = html[html.index('<h2 id="sammenlignelige-kommuner">') :]
    block = block[: block.index("</section>")]
    names = municipality_names()
    expected = comparable_municipalities(year)[ALBERTSLUND]
    assert len(expected) == 5
    first_paragraph = block[: block.index("</p>")]
    linked = re.findall(
        r'<a href="/indikatorer/kommune/(\d+)/\?aar=\d+">([^<]+)</a>', first_paragraph
    )
    assert [(int(c), n) for c, n in linked] == [(k, names[k]) for k in expected]
    # method and sources are named
    assert "euklidiske afstand" in block and "FOLK1A" in block and "DAGI" in block
    assert "andel 65+" in block and f"i {year}" in block
    # the Overblik link passes the municipality and its neighbours as codes
    assert "Sammenlign Albertslund med de 5 sammenlignelige kommuner:" in block
    link = re.search(r'<a href="(/indikatorer/overblik/[^"]+)">i Overblik</a>', block)
    assert link is not None
    # ... and the comparison pages compare with them (tests/web/test_group_compare.py)
    assert "gruppe=sammenlignelige" in block
    query = parse_qs(urlsplit(unescape(link.group(1))).query)
    assert sorted(int(k) for k in query["kommuner"]) == sorted([ALBERTSLUND, *expected])
    shown = personas.client("reader").get(unescape(link.group(1))).content.decode()
    assert sorted(ROW_NAME.findall(shown)) == sorted(names[k] for k in [ALBERTSLUND, *expected])


def test_neighbours_differ_between_municipalities(release: Release, personas: Personas) -> None:
    year = releases.results_of(release).years[-1]
    near = comparable_municipalities(year)
    assert near[ALBERTSLUND] != near[AALBORG]
    assert ALBERTSLUND not in near[ALBERTSLUND]
