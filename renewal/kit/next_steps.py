"""What comes next for a record shown on a detail page, and where it is done.

Each app registers, in its AppConfig.ready(), one function per kind of record it owns:
``register(Model, step)`` where ``step(user, obj)`` returns a ``NextStep`` or None (nothing
left to do). The step is worked out from the record's state; its link is given only when
the user may do it (``NextStep.for_user``), otherwise the step is stated without a link so
that the reader knows whom the record is waiting for. Detail pages draw it with
``{% next_step obj %}`` (renewal_tags), through templates/partials/next_step.html.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NextStep:
    text: str
    url: str = ""

    @classmethod
    def for_user(cls, text: str, url: str, allowed: bool) -> "NextStep":
        return cls(text, url if allowed else "")


Step = Callable[[object, object], NextStep | None]
_steps: dict[type, Step] = {}


def register(model: type, step: Step) -> Step:
    _steps[model] = step
    return step


def next_step(user, obj) -> NextStep | None:
    for cls in type(obj).__mro__:
        if cls in _steps:
            return _steps[cls](user, obj)
    raise LookupError(f"no next step registered for {type(obj).__name__}")
