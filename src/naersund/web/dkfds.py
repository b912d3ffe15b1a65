"""DKFDS's classes on Django's form widgets, so that a form rendered field by field
(``{{ field }}`` in a DKFDS ``form-group``) has the design system's inputs: without them a text
field, a select and a textarea are the browser's own and sit on the label's line."""

from __future__ import annotations

from django import forms

#: widget type -> DKFDS class; the first match counts (a multiple select is a select too)
CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxInput, "form-checkbox"),
    (forms.SelectMultiple, "form-input form-multiselect input-width-xl"),
    (forms.Select, "form-select"),
    (forms.Textarea, "form-input input-width-xl"),
    (forms.FileInput, ""),
    (forms.widgets.Input, "form-input"),
)


def style_widgets(form: forms.BaseForm, multiple_size: int = 8) -> None:
    """Give each widget of ``form`` its DKFDS class (kept beside any class it has); a multiple
    select shows ``multiple_size`` rows."""
    for field in form.fields.values():
        widget = field.widget
        for kind, css in CLASSES:
            if isinstance(widget, kind):
                if css:
                    widget.attrs["class"] = " ".join(
                        c for c in (widget.attrs.get("class", ""), css) if c
                    )
                if isinstance(widget, forms.SelectMultiple):
                    widget.attrs.setdefault("size", str(multiple_size))
                break
