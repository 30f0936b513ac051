"""The pages of an Excel import, the same for every import: upload, template, the job with
its progress (an htmx fragment that polls while the job runs), confirm and cancel.

An app builds one ``ImportPages`` for its importer, saying who may import and how a job is
reached (its access helper: 404 for anyone but the uploader); its URLconf points at the
bound methods. The rows and their checks are the importer's; the lifecycle is in
``renewal.kit.uploads``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from renewal.kit import uploads
from renewal.kit.file_names import disposition
from renewal.models import DomainError


class ImportPages:
    """The views of one import. ``job_for_user(user, pk)`` returns the user's own job or
    raises 404; ``require(user)`` raises PermissionDenied for whoever may not import."""

    def __init__(self, importer: uploads.Importer, namespace: str, job_for_user, require):
        self.importer, self.namespace = importer, namespace
        self.job_for_user, self.require = job_for_user, require

    def url(self, name: str, job) -> str:
        prefix = self.importer.url_prefix
        return reverse(f"{self.namespace}:{prefix}-{name}", args=[job.pk])

    def upload_url(self, job) -> str:
        return reverse(self.importer.upload_url_name, args=self.importer.url_args(job))

    def start(self, request, form, **fields):
        """Store the uploaded file and start its check; the job page, or None with the
        refusal added to the form."""
        try:
            job = uploads.import_start(
                self.importer, user=request.user, upload=form.cleaned_data["file"], **fields
            )
        except DomainError as exc:
            form.add_error("file", str(exc))
            return None
        return redirect(self.url("job", job))

    def form(self, request):
        return uploads.XlsxUploadForm(
            request.POST or None,
            request.FILES or None,
            template_word=self.importer.template_word,
        )

    def context(self, job) -> dict:
        importer = self.importer
        return {
            "job": job,
            "importer": importer,
            "job_url": self.url("job", job),
            "confirm_url": self.url("confirm", job),
            "cancel_url": self.url("cancel", job),
            "upload_url": self.upload_url(job),
            "done_url": reverse(importer.done_url_name, args=importer.url_args(job)),
            "done_label": importer.done_label,
            "preview_text": importer.preview_text(job.summary) if job.summary else "",
            "done_text": importer.done_text(job.summary) if job.summary else "",
        }

    def recent(self, jobs) -> list[dict]:
        return [{"job": job, "url": self.url("job", job)} for job in jobs[:10]]

    def upload(self, request, template: str, *, back_url: str, back_label: str, **fields):
        """The upload page: the form and the user's recent imports of the same target
        (``fields``: what the job belongs to, e.g. ``election=…``); a valid file starts the
        job and goes to its page. The caller has decided who may open it."""
        form = self.form(request)
        if request.method == "POST" and form.is_valid():
            started = self.start(request, form, **fields)
            if started:
                return started
        jobs = self.importer.job_model.objects.filter(user=request.user, **fields)
        return render(
            request,
            template,
            {
                "form": form,
                "recent": self.recent(jobs),
                "back_url": back_url,
                "back_label": back_label,
                **fields,
            },
        )

    # Views -------------------------------------------------------------------------------------

    @method_decorator(login_required)
    def template(self, request):
        self.require(request.user)
        response = HttpResponse(self.importer.template_workbook(), content_type=uploads.XLSX)
        response["Content-Disposition"] = disposition(
            self.importer.template_file, "import-template.xlsx"
        )
        return response

    @method_decorator(login_required)
    def job(self, request, pk):
        job = uploads.live_progress(self.job_for_user(request.user, pk))
        template = (
            "renewal/imports/partials/status.html" if request.htmx else "renewal/imports/job.html"
        )
        return render(request, template, self.context(job))

    @method_decorator(login_required)
    @method_decorator(require_POST)
    def confirm(self, request, pk):
        job = self.job_for_user(request.user, pk)
        try:
            uploads.import_confirm(job=job)
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect(self.url("job", job))

    @method_decorator(login_required)
    @method_decorator(require_POST)
    def cancel(self, request, pk):
        job = self.job_for_user(request.user, pk)
        try:
            uploads.import_cancel(job=job)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已取消导入，上传的文件已删除。")
        return redirect(self.url("job", job))
