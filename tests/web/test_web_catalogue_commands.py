"""``load_catalogue`` and ``export_catalogue``: all or nothing, and a faithful round trip."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from naersund.catalogue import builtin_path, load_catalogue
from naersund.web.catalogue import models as db
from naersund.web.catalogue.store import catalogue_from_db, current_version

MODELS = [
    db.CatalogueVersion,
    db.NationalGoal,
    db.FocusArea,
    db.Kkr,
    db.Goal,
    db.ActionPlan,
    db.Initiative,
    db.Baseline,
    db.Target,
]


def _snapshot() -> tuple[dict[str, int], str]:
    counts = {m.__name__: m.objects.count() for m in MODELS}
    out = io.StringIO()
    call_command("export_catalogue", stdout=out)
    return counts, out.getvalue()


def _broken_copy(tmp_path: Path) -> tuple[Path, int]:
    """The shipped catalogue with one initiative's kind misspelt; returns file and line."""
    lines = builtin_path().read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if text.strip() == "kind: skal")
    lines[line] = lines[line].replace("kind: skal", "kind: skall")
    path = tmp_path / "katalog.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path, line + 1


@pytest.mark.django_db
def test_a_broken_catalogue_names_file_line_and_field_and_changes_nothing(tmp_path: Path) -> None:
    path, line = _broken_copy(tmp_path)
    before = _snapshot()
    with pytest.raises(CommandError) as exc:
        call_command("load_catalogue", str(path))
    message = str(exc.value)
    assert message.startswith(f"{path}, line {line}, field 'kkr.")
    assert ".initiatives." in message and ".kind': Input should be 'skal' or 'kan'" in message
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = builtin_path().read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"')
    path = tmp_path / "katalog.yaml"
    path.write_text(text, encoding="utf-8")
    before = _snapshot()

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(db.Baseline.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("load_catalogue", str(path), stdout=io.StringIO())
    assert _snapshot() == before
    assert current_version() is not None and current_version().version == "1.0"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_new_version_becomes_current_and_the_old_one_stays(tmp_path: Path) -> None:
    text = builtin_path().read_text(encoding="utf-8").replace('version: "1.0"', 'version: "1.1"')
    path = tmp_path / "katalog.yaml"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("load_catalogue", str(path), stdout=out)
    assert "Indlæste katalog version 1.1: 5 KKR" in out.getvalue()
    assert list(
        db.CatalogueVersion.objects.order_by("version").values_list("version", "is_current")
    ) == [
        ("1.0", False),
        ("1.1", True),
    ]


@pytest.mark.django_db
def test_loading_the_same_version_again_changes_nothing() -> None:
    before = _snapshot()
    out = io.StringIO()
    call_command("load_catalogue", stdout=out)
    assert out.getvalue() == "Katalog version 1.0 er allerede indlæst; uændret.\n"
    assert _snapshot() == before


def _variant(tmp_path: Path, version: str, change: Callable[[dict[str, Any]], None]) -> Path:
    data = load_catalogue().model_dump(mode="json", exclude_defaults=True)
    data["version"] = version
    change(data)
    path = tmp_path / f"katalog-{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_stored_version_with_other_content_is_replaced_only_when_asked(tmp_path: Path) -> None:
    def retitle(data: dict[str, Any]) -> None:
        data["kkr"][0]["goals"][0]["title_da"] = "Ny titel"

    path = _variant(tmp_path, "1.0", retitle)
    before = _snapshot()
    with pytest.raises(CommandError) as exc:
        call_command("load_catalogue", str(path))
    assert str(exc.value) == (
        "Version 1.0 findes allerede i databasen med et andet indhold. Giv kataloget et nyt "
        "versionsnummer, eller brug --replace for at erstatte den."
    )
    assert _snapshot() == before
    call_command("load_catalogue", str(path), "--replace", stdout=io.StringIO())
    assert "title_da: Ny titel" in _snapshot()[1]


@pytest.mark.django_db
def test_a_version_that_drops_ids_is_stored_only_when_asked(tmp_path: Path) -> None:
    first = load_catalogue().kkr[0].goals[0].initiatives[0].id

    def drop(data: dict[str, Any]) -> None:
        del data["kkr"][0]["goals"][0]["initiatives"][0]

    path = _variant(tmp_path, "2.0", drop)
    before = _snapshot()
    with pytest.raises(CommandError) as exc:
        call_command("load_catalogue", str(path))
    assert str(exc.value) == (
        f"Version 2.0 mangler 1 id(s) fra den gældende version 1.0: {first}. Svar og rapporter "
        "henviser til dem; brug --allow-removed, hvis de skal udgå."
    )
    assert _snapshot() == before
    call_command("load_catalogue", str(path), "--allow-removed", stdout=io.StringIO())
    assert current_version().version == "2.0"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_export_after_load_gives_an_equal_catalogue(tmp_path: Path) -> None:
    exported = tmp_path / "eksport.yaml"
    call_command("export_catalogue", str(exported), stdout=io.StringIO())
    assert load_catalogue(exported) == load_catalogue()
    # ... and loading the export and exporting again gives the same text
    call_command("load_catalogue", str(exported), stdout=io.StringIO())
    again = tmp_path / "igen.yaml"
    call_command("export_catalogue", str(again), stdout=io.StringIO())
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_database_holds_every_element_of_the_catalogue() -> None:
    shipped = load_catalogue()
    version = current_version()
    assert version is not None
    assert catalogue_from_db(version) == shipped
    assert db.Initiative.objects.filter(goal__kkr__catalogue=version).count() == sum(
        len(k.initiatives) for k in shipped.kkr
    )


@pytest.mark.django_db
def test_export_without_a_catalogue_says_what_to_do() -> None:
    db.CatalogueVersion.objects.all().delete()
    with pytest.raises(
        CommandError, match=r"Intet katalog i databasen: kør først load_catalogue\."
    ):
        call_command("export_catalogue")
