"""Handover (交接): the list, opening one, signing items, recording a refusal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from renewal.aftercare import access, handover
from renewal.aftercare.forms import (
    HandoverOpenForm,
    RefusalForm,
    SignForm,
)
from renewal.aftercare.views.common import fail, filtered_list
from renewal.models import (
    DomainError,
    HandoverItem,
)

# --- Handovers ------------------------------------------------------------------------------------


HANDOVER_SORTS = {
    "due_on": ("交接时限（早→晚）", ["due_on"]),
    "unit": ("村(社区)", ["unit__township__code", "unit__code"]),
    "-approved_on": ("批复日期（新→旧）", ["-approved_on"]),
}


@login_required
def handover_list(request):
    access.require_region_scope(request.user)
    today = timezone.localdate()
    statuses = {
        "open": ("进行中", Q(completed_on__isnull=True)),
        "overdue": ("逾期未完成", handover.overdue_q(today)),
        "complete": ("已完成", Q(completed_on__isnull=False)),
    }
    qs = (
        access.handovers_visible_to(request.user)
        .select_related("unit", "unit__township")
        .annotate(
            n_items=Count("items", distinct=True),
            n_signed=Count(
                "items",
                filter=Q(items__handed_over_on__isnull=False)
                & ~Q(items__outgoing_name="")
                & ~Q(items__incoming_name=""),
                distinct=True,
            ),
            n_refusals=Count("refusals", distinct=True),
        )
    )
    form, page = filtered_list(
        request, qs, unit_path="unit", statuses=statuses, sorts=HANDOVER_SORTS
    )
    for h in page:
        h.overdue = h.is_overdue(today)
    can_open = access.writable_units(request.user).exists()
    return render(
        request,
        "renewal/aftercare/handover_list.html",
        {"form": form, "page": page, "can_open": can_open},
    )


@login_required
def handover_create(request):
    units = (
        access.writable_units(request.user)
        .select_related("township")
        .order_by("township__code", "code")
    )
    if not units.exists():
        raise PermissionDenied("您没有可登记交接的村(社区)。")
    form = HandoverOpenForm(
        request.POST or None,
        units=units,
        initial={"approved_on": timezone.localdate(), "unit": request.GET.get("unit")},
    )
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        try:
            rnd = access.active_round_for(unit)
            created = handover.handover_open(
                round_=rnd,
                unit=unit,
                body=form.cleaned_data["body"],
                approved_on=form.cleaned_data["approved_on"],
                opened_by=request.user,
            )
        except (DomainError, Http404) as exc:
            fail(
                form,
                exc if isinstance(exc, DomainError) else DomainError("该区县没有进行中的换届。"),
            )
        else:
            messages.success(request, f"已开始交接，须在 {created.due_on:%Y-%m-%d} 前完成。")
            return redirect("aftercare:handover-detail", created.pk)
    return render(request, "renewal/aftercare/handover_create.html", {"form": form})


def _sign_initial(item) -> dict:
    return {
        "handed_over_on": item.handed_over_on or timezone.localdate(),
        "outgoing_name": item.outgoing_name,
        "incoming_name": item.incoming_name,
        "detail": item.detail,
    }


def _handover_context(request, ho, *, sign_forms=None, refusal_form=None):
    today = timezone.localdate()
    items = list(ho.items.select_related("kind", "recorded_by__profile"))
    sign_forms = sign_forms or {}
    for item in items:
        item.form = sign_forms.get(item.pk) or SignForm(
            prefix=f"i{item.pk}", initial=_sign_initial(item)
        )
    refusals = list(ho.refusals.select_related("item__kind", "report"))
    for refusal in refusals:
        # What a township user may see of the report: its number and public status only.
        refusal.receipt = refusal.report.number
        refusal.report_status = refusal.report.public_status
    return {
        "ho": ho,
        "items": items,
        "signed": sum(1 for i in items if i.signed),
        "refusals": refusals,
        "overdue": ho.is_overdue(today),
        "can_write": access.can_write(request.user, ho.unit),
        "refusal_form": refusal_form
        or RefusalForm(items=ho.items.select_related("kind"), initial={"refused_on": today}),
    }


@login_required
def handover_detail(request, pk):
    ho = access.handover_for_user(request.user, pk)
    template = "renewal/aftercare/handover_detail.html"
    if request.htmx and request.GET.get("part") == "status":
        template = "renewal/aftercare/partials/handover_status.html"
    return render(request, template, _handover_context(request, ho))


@login_required
@require_POST
def handover_sign(request, pk, item_pk):
    ho = access.handover_for_user(request.user, pk, write=True)
    item = HandoverItem.objects.filter(handover=ho, pk=item_pk).first()
    if item is None:
        raise Http404
    form = SignForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            handover.handover_item_sign(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as exc:
            fail(form, exc)
        else:
            ho.refresh_from_db()
            if ho.completed_on:
                messages.success(
                    request, f"交接清单已全部签收，交接于 {ho.completed_on:%Y-%m-%d} 完成。"
                )
                url = reverse("aftercare:handover-detail", args=[ho.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(url)
                return redirect(url)
            if request.htmx:
                # Only this row is swapped, so what is typed in the other rows stays; the
                # status box reloads itself on the event.
                item = HandoverItem.objects.select_related("kind", "recorded_by__profile").get(
                    pk=item.pk
                )
                item.form = SignForm(prefix=f"i{item.pk}", initial=_sign_initial(item))
                response = render(
                    request,
                    "renewal/aftercare/partials/handover_row.html",
                    {
                        "ho": ho,
                        "item": item,
                        "can_write": True,
                    },
                )
                response["HX-Trigger"] = "handover-changed"
                return response
            messages.success(request, f"“{item.kind.name}”已记录双方签收。")
            return redirect(reverse("aftercare:handover-detail", args=[ho.pk]) + f"#item-{item.pk}")
    if request.htmx:
        item.form = form
        return render(
            request,
            "renewal/aftercare/partials/handover_row.html",
            {"ho": ho, "item": item, "can_write": True},
        )
    context = _handover_context(request, ho, sign_forms={item.pk: form})
    return render(request, "renewal/aftercare/handover_detail.html", context)


@login_required
@require_POST
def handover_refuse(request, pk):
    ho = access.handover_for_user(request.user, pk, write=True)
    form = RefusalForm(request.POST, items=ho.items.select_related("kind"))
    if form.is_valid():
        try:
            refusal = handover.handover_refusal_record(
                actor=request.user, handover=ho, **form.cleaned_data
            )
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(
                request,
                f"拒不移交情况已登记，并已自动移送纪检监察机关，举报编号 {refusal.report.number}。",
            )
            return redirect("aftercare:handover-detail", ho.pk)
    context = _handover_context(request, ho, refusal_form=form)
    return render(request, "renewal/aftercare/handover_detail.html", context)
