"""What the discipline pages share: the date input and one line of a form's errors."""

from renewal.kit.forms import errors_in_words as form_errors  # noqa: F401  (shared here)
from renewal.kit.widgets import DateInput

DATE = DateInput()
