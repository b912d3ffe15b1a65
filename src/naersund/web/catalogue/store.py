"""Between the library's :class:`~naersund.catalogue.Catalogue` and the catalogue tables.

``save_catalogue`` writes a validated catalogue as one version (all or nothing);
``catalogue_from_db`` reads a version back, so that export after load gives an equal catalogue.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from pydantic import BaseModel, ValidationError

from naersund.catalogue import Catalogue, Goal, Kkr, removed_ids
from naersund.catalogue import model as lib
from naersund.errors import CatalogueError
from naersund.web.catalogue import models as db

# Optional text is None in the library and "" in the database (Django's habit for text).
_TEXT = (models.CharField, models.TextField)


def _fields(item: BaseModel, model: type[models.Model], skip: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in type(item).model_fields:
        if name in skip:
            continue
        value = getattr(item, name)
        column = "slug" if name == "id" else name
        if value is None and isinstance(model._meta.get_field(column), _TEXT):
            value = ""
        out[column] = value
    return out


def _values(row: models.Model, schema: type[BaseModel], skip: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in schema.model_fields:
        if name in skip:
            continue
        column = "slug" if name == "id" else name
        value = getattr(row, column)
        if value == "" and isinstance(row._meta.get_field(column), _TEXT):
            value = None
        out[name] = value
    return out


class LoadRefused(CatalogueError):
    """Loading would change what survey answers and reports refer to without being asked to."""


@transaction.atomic
def save_catalogue(
    catalogue: Catalogue, source: str = "", replace: bool = False, allow_removed: bool = False
) -> tuple[db.CatalogueVersion, bool]:
    """Store ``catalogue`` as its version and make it the current one; returns the version and
    whether anything was written. Runs in one transaction: on any error nothing is written.

    Loading a version already stored with the same content changes nothing. A version number
    that is stored with other content is replaced only with ``replace``, and a catalogue that
    drops ids of the current version is stored only with ``allow_removed``: survey answers and
    reports refer to those ids.
    """
    existing = db.CatalogueVersion.objects.filter(version=catalogue.version).first()
    if existing is not None and not replace:
        if not _same(existing, catalogue):
            raise LoadRefused(
                f"Version {catalogue.version} findes allerede i databasen med et andet indhold. "
                "Giv kataloget et nyt versionsnummer, eller brug --replace for at erstatte den."
            )
        if not existing.is_current:
            db.CatalogueVersion.objects.exclude(pk=existing.pk).update(is_current=False)
            existing.is_current = True
            existing.save(update_fields=["is_current"])
        return existing, False
    current = current_version()
    if current is not None and not allow_removed:
        gone = removed_ids(catalogue_from_db(current), catalogue)
        if gone:
            raise LoadRefused(
                f"Version {catalogue.version} mangler {len(gone)} id(s) fra den gældende version "
                f"{current.version}: {', '.join(gone)}. Svar og rapporter henviser til dem; "
                "brug --allow-removed, hvis de skal udgå."
            )
    if existing is not None:
        existing.delete()
    version = db.CatalogueVersion.objects.create(
        version=catalogue.version, title_da=catalogue.title_da, source=source, is_current=True
    )
    db.CatalogueVersion.objects.exclude(pk=version.pk).update(is_current=False)
    for pos, ng in enumerate(catalogue.national_goals):
        db.NationalGoal.objects.create(
            catalogue=version, position=pos, **_fields(ng, db.NationalGoal, set())
        )
    for pos, fa in enumerate(catalogue.focus_areas):
        db.FocusArea.objects.create(
            catalogue=version, position=pos, **_fields(fa, db.FocusArea, set())
        )
    for pos, kkr in enumerate(catalogue.kkr):
        _save_kkr(version, pos, kkr)
    return version, True


def _save_kkr(version: db.CatalogueVersion, pos: int, kkr: Kkr) -> None:
    row = db.Kkr.objects.create(
        catalogue=version, position=pos, **_fields(kkr, db.Kkr, {"goals", "action_plans"})
    )
    for g, goal in enumerate(kkr.goals):
        _save_goal(row, g, goal)
    for p, plan in enumerate(kkr.action_plans):
        plan_row = db.ActionPlan.objects.create(
            kkr=row, position=p, **_fields(plan, db.ActionPlan, {"initiatives"})
        )
        db.Initiative.objects.bulk_create(
            db.Initiative(action_plan=plan_row, position=i, **_fields(ini, db.Initiative, set()))
            for i, ini in enumerate(plan.initiatives)
        )


def _save_goal(kkr: db.Kkr, pos: int, goal: Goal) -> None:
    row = db.Goal.objects.create(
        kkr=kkr,
        position=pos,
        **_fields(goal, db.Goal, {"initiatives", "baselines", "targets"}),
    )
    db.Initiative.objects.bulk_create(
        db.Initiative(goal=row, position=i, **_fields(ini, db.Initiative, set()))
        for i, ini in enumerate(goal.initiatives)
    )
    db.Baseline.objects.bulk_create(
        db.Baseline(goal=row, position=i, **_fields(b, db.Baseline, set()))
        for i, b in enumerate(goal.baselines)
    )
    db.Target.objects.bulk_create(
        db.Target(goal=row, position=i, **_fields(t, db.Target, set()))
        for i, t in enumerate(goal.targets)
    )


def current_version() -> db.CatalogueVersion | None:
    return db.CatalogueVersion.objects.filter(is_current=True).first()


def catalogue_data(version: db.CatalogueVersion) -> dict[str, Any]:
    """The version as the plain data of the YAML (not yet validated)."""
    kkrs = []
    for kkr in version.kkr.all():
        goals = []
        for goal in kkr.goals.all():
            data = _values(goal, lib.Goal, {"initiatives", "baselines", "targets"})
            data["initiatives"] = [
                _values(i, lib.Initiative, set()) for i in goal.initiatives.all()
            ]
            data["baselines"] = [_values(b, lib.Baseline, set()) for b in goal.baselines.all()]
            data["targets"] = [_values(t, lib.Target, set()) for t in goal.targets.all()]
            goals.append(data)
        plans = []
        for plan in kkr.action_plans.all():
            data = _values(plan, lib.ActionPlan, {"initiatives"})
            data["initiatives"] = [
                _values(i, lib.Initiative, set()) for i in plan.initiatives.all()
            ]
            plans.append(data)
        kkr_data = _values(kkr, lib.Kkr, {"goals", "action_plans"})
        kkr_data.update(goals=goals, action_plans=plans)
        kkrs.append(kkr_data)
    return {
        "version": version.version,
        "title_da": version.title_da,
        "national_goals": [
            _values(n, lib.NationalGoal, set()) for n in version.national_goals.all()
        ],
        "focus_areas": [_values(f, lib.FocusArea, set()) for f in version.focus_areas.all()],
        "kkr": kkrs,
    }


def _same(version: db.CatalogueVersion, catalogue: Catalogue) -> bool:
    try:
        return catalogue_from_db(version) == catalogue
    except CatalogueError:  # edited in the admin into something the catalogue rules refuse
        return False


def catalogue_from_db(version: db.CatalogueVersion) -> Catalogue:
    """The version as a validated catalogue; an edit in the admin that breaks a rule of the
    catalogue gives a :class:`CatalogueError` naming the field."""
    try:
        return Catalogue.model_validate(catalogue_data(version))
    except ValidationError as exc:
        problems = [
            f"catalogue version {version.version}, field "
            f"'{'.'.join(str(p) for p in err['loc']) or '(top level)'}': {err['msg']}"
            for err in exc.errors()
        ]
        raise CatalogueError("\n".join(problems)) from None
