"""What the discipline pages share: the date input and one line of a form's errors."""

from renewal.kit.widgets import DateInput

DATE = DateInput()


def form_errors(form) -> str:
    return "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{e}"
        for k, es in form.errors.items()
        for e in es
    )
