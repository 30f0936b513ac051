"""Old addresses of the vote (``villagers-results/…``), kept working by a permanent redirect."""

import re

from django.http import HttpResponsePermanentRedirect

# The few pages whose address changed beyond the prefix; the rest keep their tail.
RENAMED = [
    (re.compile(r"^$"), "vote/"),
    (re.compile(r"^(\d+)/$"), r"\1/vote/"),
    (re.compile(r"^(\d+)/setup/$"), r"\1/ballot-setup/"),
]


def results_redirect(request, rest=""):
    """No access check: the new address checks it, and a redirect reveals nothing."""
    for pattern, replacement in RENAMED:
        if pattern.match(rest):
            rest = pattern.sub(replacement, rest)
            break
    target = f"/villagers/{rest}"
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(target)
