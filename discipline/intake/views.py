"""Staff intake (reports by phone, letter, visit or informant), the logged read of a
reporter's identity, and the registry of informants (民情直报员) with its coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from discipline import access
from discipline.intake import services
from discipline.intake.forms import IDENTITY_POST_FIELDS, InformantForm, IntakeForm
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.file_names import disposition
from renewal.kit.idcard import mask_phone
from renewal.kit.paging import KeyPaginator
from renewal.models import DomainError, Region

CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}

# --- Intake --------------------------------------------------------------------------------------


@sensitive_post_parameters(*IDENTITY_POST_FIELDS)
@login_required
def report_create(request):
    access.require_discipline(request.user)
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_record(
                channel=data["channel"],
                county=data["county"],
                township=data["township"],
                units=data["unit_objects"],
                subject=data["subject"],
                content=data["content"],
                anonymous=data["anonymous"],
                identity=data["identity"],
                attachments=data["attachments"],
                received_by=request.user,
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            # Only the code's hash is stored: the code itself waits in the session for the one
            # page that shows it (after a redirect, so that reloading cannot file it twice).
            # Codes of several reports recorded in turn each wait for their own page.
            pending = request.session.get(RECEIPT_ONCE, {})
            request.session[RECEIPT_ONCE] = {**pending, str(report.pk): report.receipt_code}
            return redirect("discipline:intake-recorded", pk=report.pk)
    return render(request, "discipline/intake/report_form.html", {"form": form})


RECEIPT_ONCE = "discipline.receipt_once"


def _recorded(report, *, code: str = "") -> dict:
    return {
        "report": report,
        "code": services.receipt_display(code) if code else "",
        "units": report.units.all(),
        "attachments": report.attachments.count(),
    }


@login_required
def report_recorded(request, pk):
    """The report as recorded, by its number; no identity. The receipt code shows once, on the
    first view after recording it, and is then gone from the session too."""
    report = access.report_for_user(request.user, pk)
    pending = request.session.get(RECEIPT_ONCE, {})
    code = pending.pop(str(report.pk), "")
    if code:
        request.session[RECEIPT_ONCE] = pending
    return render(request, "discipline/intake/recorded.html", _recorded(report, code=code))


@login_required
def report_attachment(request, pk, attachment_pk):
    """A reporter's attachment, decrypted, for the officers assigned to the case only."""
    report = access.report_for_user(request.user, pk)
    attachment, data = services.report_attachment_read(
        user=request.user, report=report, pk=attachment_pk
    )
    kind = attachment.original_name.rsplit(".", 1)[-1]
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(kind, "application/octet-stream"))
    response["Content-Disposition"] = disposition(
        f"举报{report.number}-{attachment.original_name}",
        f"report-{report.pk}-{attachment.pk}.{kind}",
    )
    return response


@login_required
@require_POST
def report_identity(request, pk):
    """The reporter's identity, for assigned officers holding the per-case grant (logged)."""
    report = access.report_for_user(request.user, pk)
    identity = services.report_identity_read(user=request.user, report=report)
    context = {"report": report, "identity": identity, "read_at": timezone.now()}
    template = (
        "discipline/intake/identity.html"
        if request.htmx
        else "discipline/intake/identity_page.html"
    )
    return render(request, template, context)


@login_required
def informant_list(request):
    access.require_discipline(request.user)
    units = access.units_for_officer(request.user)
    townships = Region.objects.filter(
        parent_id__in=access.discipline_counties(request.user)
    ).order_by("code")
    township = request.GET.get("township", "")
    if township.isdecimal():
        units = units.filter(township_id=township)
    rows = services.informant_coverage(units)
    totals = {
        "units": len(rows),
        "complete": sum(1 for _u, c, _n in rows if c.complete),
        "groups": sum(c.groups for _u, c, _n in rows),
        "covered": sum(c.covered for _u, c, _n in rows),
        "informants": sum(n for _u, _c, n in rows),
    }
    if request.GET.get("gaps") == "1":
        rows = [r for r in rows if not r[1].complete]
    page = KeyPaginator(rows, 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "totals": totals,
        "townships": townships,
        "township": township,
        "gaps": request.GET.get("gaps") == "1",
    }
    return render(request, "discipline/intake/informant_list.html", context)


@login_required
def unit_informants(request, pk):
    access.require_discipline(request.user)
    unit = access.unit_for_officer(request.user, pk)
    form = InformantForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            informant = services.informant_add(unit=unit, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已登记第 {informant.group_number} {unit.group_label}的民情直报员。"
            )
            return redirect("discipline:unit-informants", pk=unit.pk)
    informants = list(unit.informants.order_by("-active", "group_number", "id"))
    for informant in informants:
        informant.phone_masked = mask_phone(informant.phone)
    cover = services.coverage(unit.groups, [i.group_number for i in informants if i.active])
    context = {"unit": unit, "informants": informants, "coverage": cover, "form": form}
    return render(request, "discipline/intake/unit_informants.html", context)


@asks("informant-deactivate")
def _ask_deactivate(informant) -> Ask:
    return Ask(
        action="确认设为不在任",
        question=f"将第 {informant.group_number} 村(居)民小组的民情直报员{informant.name}设为不在任？",
        consequence="设为不在任后不能恢复；该小组没有其他在任直报员的，覆盖情况显示为未覆盖，"
        "须另行登记。",
    )


@login_required
@require_POST
def informant_deactivate(request, pk):
    informant = access.informant_for_officer(request.user, pk)
    back = reverse("discipline:unit-informants", args=[informant.unit_id])
    if asked := ask_first(request, "informant-deactivate", informant, back=back):
        return asked
    try:
        services.informant_deactivate(informant=informant)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已将该民情直报员设为不在任。")
    return redirect("discipline:unit-informants", pk=informant.unit_id)
