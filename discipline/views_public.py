"""The public report page and the receipt-code status page: no login, no JavaScript needed.

Both are rate-limited per client address (discipline.ratelimit). The receipt code is
only ever POSTed, so it never lands in a URL or an access log. The status page shows
the public stage and the received date, nothing of the investigation.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from discipline import ratelimit
from discipline import services_intake as services
from discipline.models import Report
from renewal.models import DomainError, Region

IDENTITY_POST_FIELDS = services.IDENTITY_FIELDS
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportFieldsForm(forms.Form):
    """What every report carries: the matter, the reporter (or anonymity), attachments."""

    subject = forms.CharField(
        label="被举报人或事项",
        max_length=100,
        help_text="例如：某村某人，或某次选举中的问题。",
    )
    content = forms.CharField(
        label="举报内容",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="请写明时间、地点、经过和知情人等，越具体越便于核查。",
    )
    anonymous = forms.BooleanField(
        label="匿名举报",
        required=False,
        help_text="勾选后请不要填写下面的身份信息。实名举报便于核实和反馈，举报人信息依法严格保密。",
    )
    name = forms.CharField(label="举报人姓名", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    address = forms.CharField(label="住址", max_length=100, required=False)
    attachments = MultipleFileField(
        label="附件",
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text=(
            f"可选，最多 {services.MAX_ATTACHMENTS} 个，每个不超过 "
            f"{services.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，仅限 PDF、JPG、PNG。"
        ),
    )

    identity_fields = IDENTITY_POST_FIELDS

    def clean(self):
        data = super().clean()
        try:
            identity = services.identity_clean(**{k: data.get(k, "") for k in self.identity_fields})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field, errors)
            identity = None
        if identity is not None:
            if data.get("anonymous") and identity:
                self.add_error(
                    "anonymous", "您选择了匿名举报，请清空身份信息；如愿实名举报，请取消勾选。"
                )
            elif not data.get("anonymous") and not identity:
                self.add_error("name", "实名举报请填写姓名和联系电话；不愿留名请勾选“匿名举报”。")
            data["identity"] = identity
        try:
            services.attachments_check(data.get("attachments") or [])
        except ValidationError as exc:
            self.add_error("attachments", exc.messages)
        return data

    def groups(self):
        """(legend, bound fields) for the template's fieldsets."""
        return [
            ("举报事项", [self[f] for f in self.matter_fields]),
            ("举报人", [self[f] for f in ("anonymous", *self.identity_fields)]),
            ("附件", [self["attachments"]]),
        ]

    matter_fields = ("subject", "content")


class PublicReportForm(ReportFieldsForm):
    county = forms.ModelChoiceField(
        queryset=Region.objects.filter(kind=Region.Kind.COUNTY), widget=forms.HiddenInput
    )
    place = forms.ChoiceField(
        label="乡镇(街道) · 村(社区)",
        required=False,
        error_messages={"invalid_choice": "请从列表中选择乡镇(街道)或村(社区)。"},
    )

    matter_fields = ("place", "subject", "content")

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.county_obj = county
        self.fields["county"].initial = county.pk
        self.fields["place"].choices = services.place_choices(county)
        self.fields["anonymous"].initial = True

    def clean(self):
        data = super().clean()
        if data.get("county") and data["county"].pk != self.county_obj.pk:
            raise ValidationError("区县与页面不一致，请重新打开举报页。")
        try:
            data["township"], data["units"] = services.place_resolve(
                self.county_obj, data.get("place", "")
            )
        except DomainError as exc:
            self.add_error("place", str(exc))
        return data


class StatusForm(forms.Form):
    code = forms.CharField(
        label="查询码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


def _county(value):
    value = str(value or "")
    if not value.isdigit():
        return None
    return Region.objects.filter(kind=Region.Kind.COUNTY, pk=value).first()


@never_cache
@sensitive_post_parameters(*IDENTITY_POST_FIELDS)
@require_http_methods(["GET", "POST"])
def report(request):
    """Step 1 picks the county (a plain GET form); step 2 is the report form for it."""
    county = _county(request.POST.get("county") or request.GET.get("county"))
    if county is None:
        counties = Region.objects.filter(kind=Region.Kind.COUNTY).order_by("code")
        return render(request, "discipline/public/county.html", {"counties": counties})
    if request.method != "POST":
        return _report_page(request, PublicReportForm(county=county))
    if ratelimit.exceeded(request, "report") or not ratelimit.hit(request, "report_post"):
        return ratelimit.too_many(request, "report")
    form = PublicReportForm(request.POST, request.FILES, county=county)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.report_record(
                channel=Report.Channel.WEB,
                county=county,
                township=data["township"],
                units=data["units"],
                subject=data["subject"],
                content=data["content"],
                anonymous=data["anonymous"],
                identity=data["identity"],
                attachments=data["attachments"],
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            ratelimit.count(request, "report")
            return render(
                request,
                "discipline/public/receipt.html",
                {
                    "code": services.receipt_display(created.receipt_code),
                    "report": created,
                    "county": county,
                },
            )
    return _report_page(request, form)


def _report_page(request, form):
    return render(
        request, "discipline/public/report.html", {"form": form, "county": form.county_obj}
    )


@never_cache
@require_http_methods(["GET", "POST"])
def status(request):
    form = StatusForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        if not ratelimit.hit(request, "status"):
            return ratelimit.too_many(request, "status")
        if form.is_valid():
            found = services.report_status_lookup(code=form.cleaned_data["code"])
            context["result"] = found
            context["not_found"] = found is None
            # Never echo the code back into the form.
            context["form"] = StatusForm()
    return render(request, "discipline/public/status.html", context)
