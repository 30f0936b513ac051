"""Query parameters with control characters are refused with a 400 page, once for every page.

A NUL byte cannot be stored in or compared with a PostgreSQL text value, so a search for
"%00" would end in a server error; the other control characters have no place in an
address either. Tab, newline and carriage return stay allowed: a pasted search term may
carry them and every page handles them.
"""

import logging
import re

from django.shortcuts import render

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

logger = logging.getLogger("django.security.query")


def has_control_characters(params) -> bool:
    """Whether any name or value of a QueryDict holds a control character."""
    return any(
        CONTROL.search(name) or any(CONTROL.search(value) for value in values)
        for name, values in params.lists()
    )


class QueryCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.GET):
            logger.warning("Control characters in the query of %s refused", request.path)
            return render(
                request,
                "400.html",
                {"reason": "网址的查询条件中含有无法识别的控制字符，请检查后重新查询。"},
                status=400,
            )
        return self.get_response(request)
