"""The entry form: the ids of initiatives, indicators and municipalities are chosen from
lists, so that an entry can only refer to what exists."""

from __future__ import annotations

from typing import Any

from django import forms

from naersund.analysis.profiles import municipality_names
from naersund.web.dkfds import style_widgets
from naersund.web.practice.models import TARGET_GROUPS, Entry
from naersund.web.practice.page import indicator_names, initiative_names

FIELDS = [
    "title", "kommunekode", "partners", "initiatives", "indicators", "target_group", "what",
    "organisation", "staff", "cost_per_year", "results", "evidence", "contact", "links",
    "started_on",
]  # fmt: skip


class EntryForm(forms.ModelForm):
    kommunekode = forms.TypedChoiceField(
        label="Kommune",
        coerce=int,
        error_messages={
            "invalid_choice": "Du kan kun skrive indslag for din egen kommune "
            "(kommunekode %(value)s er ikke din)."
        },
    )
    partners = forms.TypedMultipleChoiceField(
        label="Andre kommuner (tværkommunalt)", coerce=int, required=False
    )
    initiatives = forms.MultipleChoiceField(label="Indsatser i målkataloget", required=False)
    indicators = forms.MultipleChoiceField(label="Indikatorer", required=False)
    started_on = forms.DateField(
        label="Startet", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Entry
        fields = FIELDS

    def __init__(self, *args: Any, municipalities: list[int], **kwargs: Any) -> None:
        """``municipalities``: the kommunekoder the user may draft for (an editor: their own)."""
        super().__init__(*args, **kwargs)
        names = municipality_names()
        choices: dict[str, list[tuple[Any, str]]] = {
            "kommunekode": [(k, names.get(k, str(k))) for k in municipalities],
            "partners": sorted(names.items(), key=lambda kv: kv[1]),
            "initiatives": list(initiative_names().items()),
            "indicators": sorted(indicator_names().items(), key=lambda kv: kv[1]),
        }
        for name, values in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = values
        self.fields["links"].help_text = "Én adresse pr. linje, der begynder med https://"
        self.fields["cost_per_year"].help_text = "Hele kroner pr. år, fx 1250000"
        target = self.fields["target_group"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [("", "Vælg målgruppe"), *TARGET_GROUPS.items()]
        for name in ("partners", "initiatives", "indicators"):
            self.fields[name].help_text = "Hold Ctrl (Cmd på Mac) nede for at vælge flere."
        style_widgets(self)

    def clean_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        for n, line in enumerate(lines, start=1):
            if not line.startswith(("https://", "http://")) or " " in line:
                raise forms.ValidationError(
                    f"Linje {n} er ikke en webadresse (den skal begynde med https://): {line[:80]}"
                )
        return "\n".join(lines)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner = data.get("kommunekode")
        if owner is not None and owner in data.get("partners", []):
            self.add_error("partners", "Kommunen selv skal ikke stå blandt de andre kommuner.")
        return data
