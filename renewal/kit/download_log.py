"""Every file a signed-in user downloads is written to the sensitive-operations log.

Notices, ballot records, PDFs, rosters and attachments carry names, ID numbers and
discipline findings; who took a copy, and when, must be answerable. One rule for every
download: a successful answer with a ``Content-Disposition`` header (``FileResponse`` and
``HttpResponse`` alike), whatever view sent it.
"""

import re

from renewal.models import AccessLog

FILENAME = re.compile(r"""filename\*?=(?:UTF-8'')?"?([^";]+)"?""", re.IGNORECASE)


class DownloadLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        user = getattr(request, "user", None)
        if disposition and response.status_code == 200 and user and user.is_authenticated:
            found = FILENAME.search(disposition)
            match = request.resolver_match
            AccessLog.objects.create(
                user=user,
                action=AccessLog.Action.DOWNLOAD,
                target=request.path[:200],
                detail={
                    "file": found.group(1) if found else "",
                    "page": match.view_name if match else "",
                },
            )
        return response
