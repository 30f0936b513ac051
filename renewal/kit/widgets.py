"""The one date widget of every form.

A browser's ``<input type="date">`` accepts only an ISO value (2026-11-15); rendered in the
zh-hans display format (2026/11/15) the field shows empty and saving the form erases the
date. Every date field of the project uses this widget, so what is stored is what is shown.
"""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
