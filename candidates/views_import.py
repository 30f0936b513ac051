"""Excel import of candidates: the upload page; the job pages are the upload machine's."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from candidates import access
from candidates.imports import IMPORTER
from renewal.kit.import_pages import ImportPages


def _require_importer(user) -> None:
    if not access.may_import(user):
        raise PermissionDenied("您没有导入人选的权限。")


PAGES = ImportPages(IMPORTER, "candidates", access.import_job_for_user, _require_importer)


@login_required
def import_upload(request):
    _require_importer(request.user)
    return PAGES.upload(
        request,
        "candidates/import_form.html",
        back_url=reverse("candidates:candidacy-list"),
        back_label="返回候选人",
    )
