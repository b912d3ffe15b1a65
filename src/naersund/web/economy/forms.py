from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from naersund.web.dkfds import style_widgets

MB = 1024 * 1024


class AccountsForm(forms.Form):
    file = forms.FileField(
        label="Fil fra statistikbanken (CSV)",
        help_text=f"BUDK32 eller REGK31, højst {settings.NAERSUND_MAX_UPLOAD_BYTES // MB} MB.",
    )
    table = forms.ChoiceField(
        label="Tabel",
        choices=[
            ("", "Efter filnavnet"),
            ("BUDK32", "BUDK32 (budgetter)"),
            ("REGK31", "REGK31 (regnskaber)"),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self, widths={"table": "l"})


class KeyForm(forms.Form):
    file = forms.FileField(
        label="Fordelingsnøgle (CSV med kommunekode;andel)",
        help_text="Alle 98 kommuner; andelene giver 1 (eller 100) tilsammen.",
        widget=forms.ClearableFileInput(
            attrs={"id": "nogle"}
        ),  # the page's other file field is id_file
    )
