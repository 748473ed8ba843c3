from django import forms
from django.forms.renderers import TemplatesSetting

from jifen.core.errors import ConflictError


class BootstrapFormRenderer(TemplatesSetting):
    """Render every form with Bootstrap markup: label, widget, the field's error, help text."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class BootstrapMixin:
    """Give widgets Bootstrap classes, and mark invalid fields so the error shows on the field.

    Validation must not run in __init__: subclasses set their querysets after super().__init__.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple
                          | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        # Both field validation and errors from services arrive here: mark the widget invalid.
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def add_service_errors(form: forms.Form, error) -> None:
    """Put a service's ValidationError on the form's fields (or on the form when unnamed), or
    its ConflictError (the state does not allow it) on the form."""
    if isinstance(error, ConflictError):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
