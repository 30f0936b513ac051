"""Every file a signed-in user downloads is written to the sensitive-operations log.

Notices, ballot records, PDFs, rosters and attachments carry names, ID numbers and
discipline findings; who took a copy, and when, must be answerable. One rule for every
download: a successful answer with a ``Content-Disposition`` header (``FileResponse`` and
``HttpResponse`` alike), whatever view sent it.
"""

import re
from urllib.parse import unquote

from renewal.models import AccessLog

# RFC 6266: a plain ``filename="…"`` or, for non-ASCII names (Django's way), ``filename*=
# utf-8''<percent-encoded>``, or both (``kit.file_names.disposition``).
FILENAME = re.compile(r"""filename(\*)?=(?:utf-8'')?"?([^";]+)"?""", re.IGNORECASE)


class DownloadLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        user = getattr(request, "user", None)
        if disposition and response.status_code == 200 and user and user.is_authenticated:
            found = _chosen(FILENAME.finditer(disposition))
            match = request.resolver_match
            AccessLog.objects.create(
                user=user,
                action=AccessLog.Action.DOWNLOAD,
                target=request.path[:200],
                detail={
                    "file": _name(found),
                    "page": match.view_name if match else "",
                },
            )
        return response


def _chosen(matches):
    """The name a browser keeps: ``filename*`` when the header has one (the Chinese name,
    next to its ASCII fallback), else ``filename``."""
    found = list(matches)
    return next((m for m in found if m.group(1)), found[0] if found else None)


def _name(found) -> str:
    if found is None:
        return ""
    encoded, name = found.groups()
    return unquote(name) if encoded else name
