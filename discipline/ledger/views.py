"""The disciplined-cadres ledger (受处分干部台账): the list, the template and the import."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from candidates.imports import MAX_UPLOAD_BYTES, TOO_BIG
from discipline import access
from discipline.ledger import services as ledger
from renewal.kit.idcard import mask_id_number
from renewal.models import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The disciplined-cadres ledger -------------------------------------------------------------


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text=f"请使用台账模板填写，.xlsx 格式，不超过 {MAX_UPLOAD_BYTES // 2**20} MB。",
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
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_BIG)
        return upload


@login_required
def ledger_list(request):
    access.require_discipline(request.user)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            token, preview = ledger.ledger_upload(
                user=request.user, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            if token:
                return redirect("discipline:ledger-preview", token=token)
            problems = preview.problems
    entries = ledger.ledger_entries(request.user)
    matched_only = request.GET.get("matched") == "1"
    if matched_only:
        entries = entries.filter(matched=True)
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(Q(name__contains=q) | Q(workplace__contains=q))
    page = Paginator(entries.order_by("-decided_on", "id"), settings.UNITS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    matches = ledger.matches_for(request.user, page.object_list)
    for entry in page:
        entry.masked = mask_id_number(entry.id_number)
        entry.candidacies = matches.get(entry.id_number_hash, [])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "discipline/ledger/ledger_list.html",
        {
            "form": form,
            "problems": problems,
            "page": page,
            "matched_only": matched_only,
            "q": q,
            "query": query.urlencode(),
        },
    )


@login_required
def ledger_template(request):
    access.require_discipline(request.user)
    response = HttpResponse(ledger.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="受处分干部台账模板.xlsx"
    )
    return response


@login_required
def ledger_preview(request, token):
    try:
        preview = ledger.ledger_preview(user=request.user, token=token)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("discipline:ledger")
    return render(
        request,
        "discipline/ledger/ledger_preview.html",
        {"preview": preview, "token": token, "rows": preview.rows[:200]},
    )


@login_required
@require_POST
def ledger_confirm(request, token):
    try:
        summary = ledger.ledger_confirm(user=request.user, token=token)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已导入 {summary['created']} 条台账记录"
            + (f"，{summary['existing']} 条已在台账中未重复导入" if summary["existing"] else "")
            + (
                f"；其中 {summary['matched']} 人是在审人选，已在资格联审中提示"
                if summary["matched"]
                else ""
            )
            + "。上传的文件已删除。",
        )
    return redirect("discipline:ledger")


@login_required
@require_POST
def ledger_cancel(request, token):
    ledger.ledger_cancel(user=request.user, token=token)
    messages.success(request, "已取消导入，上传的文件已删除。")
    return redirect("discipline:ledger")
