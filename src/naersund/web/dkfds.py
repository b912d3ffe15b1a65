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


def style_widgets(
    form: forms.BaseForm, widths: dict[str, str] | None = None, multiple_size: int = 8
) -> None:
    """Give each widget of ``form`` its DKFDS class (kept beside any class it has), and the
    fields named in ``widths`` DKFDS's width (``{"year": "xs"}``: ``input-width-xs``); a
    multiple select shows ``multiple_size`` rows."""
    widths = widths or {}
    for name, field in form.fields.items():
        widget = field.widget
        kind_css = next((css for kind, css in CLASSES if isinstance(widget, kind)), "")
        width_css = f"input-width-{widths[name]}" if name in widths else ""
        classes = " ".join(c for c in (widget.attrs.get("class", ""), kind_css, width_css) if c)
        if classes:
            widget.attrs["class"] = classes
        if isinstance(widget, forms.SelectMultiple):
            widget.attrs.setdefault("size", str(multiple_size))
