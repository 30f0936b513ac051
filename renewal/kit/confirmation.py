"""Asking before an action that cannot simply be taken back (取消资格, 批复, a delete ...).

The action's form posts to the action's own address. A POST without ``confirmed=1`` changes
nothing: the view answers one shared page that names the object, says what will happen, and
offers 确认 (the same fields posted again, with ``confirmed=1``) and 返回. With JavaScript the
form asks the same words in a dialog first (``data-confirm``, or ``hx-confirm`` on an htmx
form; static/js/page-actions.js then adds ``confirmed=1``), so the page is skipped.

The words are written once, per action: a function from the object to an `Ask`, registered
with ``@asks("key")``. The view calls ``ask_first(request, "key", obj, back=...)``; the
template puts ``data-confirm="{% confirm_text 'key' obj %}"`` on the form.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

PAGE = "renewal/confirm_page.html"
_NOT_CARRIED = {"csrfmiddlewaretoken", "confirmed"}


@dataclass(frozen=True)
class Ask:
    action: str  # the confirm button, which says what it does: "确认取消资格"
    question: str  # names the object: "取消张三的候选人资格？"
    consequence: str  # what will happen, in plain words

    @property
    def text(self) -> str:
        return f"{self.question}\n{self.consequence}"


_ASKS: dict[str, Callable[[Any], Ask]] = {}


def asks(key: str):
    """Register the words of one action (a function from its object to an `Ask`)."""

    def register(build: Callable[[Any], Ask]) -> Callable[[Any], Ask]:
        _ASKS[key] = build
        return build

    return register


def ask_for(key: str, obj: Any) -> Ask:
    return _ASKS[key](obj)


def is_confirmed(request) -> bool:
    return request.POST.get("confirmed") == "1"


def ask_first(
    request, key: str, obj: Any, *, back: str, template: str = PAGE, **context
) -> HttpResponse | None:
    """The confirmation page, unless the POST is already confirmed (then None: go ahead).

    Call it after the access checks, so that who may not act is refused rather than asked.
    """
    if is_confirmed(request):
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    context = {
        "ask": ask_for(key, obj),
        "action_url": request.get_full_path(),
        "fields": fields,
        "back": back,
        **context,
    }
    return render(request, template, context)
