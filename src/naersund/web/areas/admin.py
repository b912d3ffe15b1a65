"""User-defined groups in the admin, for national administrators (see ``admin_site``)."""

from __future__ import annotations

from typing import Any

from django import forms

from naersund.web.accounts.models import municipality_choices
from naersund.web.admin_site import RoleAdmin, site
from naersund.web.areas.models import MunicipalityGroup


class GroupForm(forms.ModelForm):
    members = forms.TypedMultipleChoiceField(
        label="Kommuner",
        coerce=int,
        choices=municipality_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Vælg mindst 2 kommuner.",
    )

    class Meta:
        model = MunicipalityGroup
        fields = ("slug", "name_da", "description_da", "members")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].required = False  # the model's check says how many, in Danish


class MunicipalityGroupAdmin(RoleAdmin):
    form = GroupForm
    list_display = ("name_da", "slug", "size")

    @staticmethod
    def size(obj: MunicipalityGroup) -> int:
        return len(obj.members)


site.register(MunicipalityGroup, MunicipalityGroupAdmin)
