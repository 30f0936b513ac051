"""Excel import of candidates: upload, preview, confirm or cancel. The work is in imports.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from candidates import access, imports
from candidates.models import ImportJob
from renewal.access import writable_townships
from renewal.models import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text=f"请使用导入模板填写，.xlsx 格式，不超过 {imports.MAX_UPLOAD_BYTES // 2**20} MB。",
        error_messages={
            "required": "请选择要导入的 Excel 文件。",
            "empty": "上传的文件是空的。",
            "invalid": "没有收到文件，请重新选择。",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                "只能导入 .xlsx 格式的 Excel 文件（.xls、.csv 请先用 Excel 或 WPS 另存为 .xlsx）。"
            )
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(imports.TOO_BIG)
        return upload


def _require_importer(user) -> None:
    if not writable_townships(user).exists():
        raise PermissionDenied("您没有导入人选的权限。")


@login_required
def import_upload(request):
    _require_importer(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_start(user=request.user, upload=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("candidates:import-job", pk=job.pk)
    recent = ImportJob.objects.filter(user=request.user)[:10]
    return render(request, "candidates/import_form.html", {"form": form, "recent": recent})


@login_required
def import_template(request):
    _require_importer(request.user)
    response = HttpResponse(imports.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="候选人导入模板.xlsx"
    )
    return response


@login_required
def import_job(request, pk):
    job = imports.live_progress(access.import_job_for_user(request.user, pk))
    template = (
        "candidates/partials/import_status.html" if request.htmx else "candidates/import_job.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_POST
def import_confirm(request, pk):
    job = access.import_job_for_user(request.user, pk)
    try:
        imports.import_confirm(job=job)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("candidates:import-job", pk=job.pk)


@login_required
@require_POST
def import_cancel(request, pk):
    job = access.import_job_for_user(request.user, pk)
    try:
        imports.import_cancel(job=job)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已取消导入，上传的文件已删除。")
    return redirect("candidates:import-job", pk=job.pk)
