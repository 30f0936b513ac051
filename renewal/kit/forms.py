"""The base of every form in the project.

Forms here are typed into all day, so what a form shows must be exactly what it saves.
A browser's ``<input type="date">`` accepts only an ISO value; a date field rendered any
other way shows empty and saving the form erases the date. These bases give every date
field the one date widget (``renewal.kit.widgets.DateInput``), whether the field was
declared or generated from a model, so a new form cannot get it wrong; a test walks every
form class of the project and checks that it derives from them.
"""

from django import forms

from renewal.kit.widgets import DateInput


def _iso_dates(fields) -> None:
    for field in fields.values():
        widget = field.widget
        if (
            isinstance(field, forms.DateField)
            and not isinstance(widget, DateInput | forms.HiddenInput)
            and isinstance(widget, forms.DateInput)
        ):
            field.widget = DateInput(attrs={k: v for k, v in widget.attrs.items() if k != "type"})


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _iso_dates(self.fields)


class ModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _iso_dates(self.fields)
