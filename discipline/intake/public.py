"""The public report page and the receipt-code status page: no login, no JavaScript needed.

Both are rate-limited per client address (discipline.intake.ratelimit). The receipt code is
only ever POSTed, so it never lands in a URL or an access log. The status page shows
the public stage and the received date, nothing of the investigation.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from discipline.intake import ratelimit, services
from discipline.intake.forms import IDENTITY_POST_FIELDS, PublicReportForm, StatusForm
from discipline.models import Report
from renewal.models import DomainError, Region


def _county(value):
    value = str(value or "")
    if not value.isdecimal():
        return None
    return Region.objects.filter(kind=Region.Kind.COUNTY, pk=value).first()


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
                    "code": services.receipt_display(created.receipt_code),  # shown this once
                    "report": created,
                    "county": county,
                },
            )
    return _report_page(request, form)


def _report_page(request, form):
    return render(
        request, "discipline/public/report.html", {"form": form, "county": form.county_obj}
    )


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
