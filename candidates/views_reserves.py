"""The reserve cadres' pages (后备干部库): the list, adding, editing, 出库, 一键提名 and the import."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from candidates import access, services
from candidates.forms import ProposeForm, ReserveEditForm, ReservePersonForm, ReserveRetireForm
from candidates.reserve_import import IMPORTER
from candidates.selectors import filtered_reserves
from candidates.views import Invalid, save_person
from renewal.kit.import_pages import ImportPages
from renewal.kit.paging import KeyPaginator, tally
from renewal.models import DomainError, Unit
from renewal.views import township_choice


def _writable_units(user):
    return (
        Unit.objects.filter(township__in=access.writable_townships(user))
        .select_related("township")
        .order_by("code")
    )


def _require_writer(user) -> None:
    if not access.may_import(user):
        raise PermissionDenied("只有乡镇(街道)工作人员可以维护后备干部库。")


@login_required
def reserve_list(request):
    access.require_region_scope(request.user)
    form, qs = filtered_reserves(request.user, request.GET)
    page = KeyPaginator(qs, settings.UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    for reserve in page:
        reserve.can_write = access.can_write_unit(request.user, reserve.unit)
    return render(
        request,
        "candidates/reserve_list.html",
        {
            "form": form,
            "page": page,
            "total": tally(access.reserves_visible_to(request.user)),
            **township_choice(request, form),
            "can_write": access.may_import(request.user),
            "propose_form": ProposeForm(),
        },
    )


@login_required
def reserve_add(request):
    """Find the person by ID number (or register them) and put them into a unit's pool."""
    _require_writer(request.user)
    units = _writable_units(request.user)
    form = ReservePersonForm(
        request.POST or None, units=units, initial={"unit": request.GET.get("unit")}
    )
    if request.method == "POST" and form.is_valid():
        unit = access.unit_for_user(request.user, form.cleaned_data["unit"].pk, write=True)
        try:
            with transaction.atomic():
                person = save_person(form, keep_blank=True)
                if person is None:
                    raise Invalid
                services.reserve_add(
                    unit=unit,
                    person=person,
                    direction=form.cleaned_data["direction"],
                    note=form.cleaned_data["note"],
                )
        except Invalid:
            pass
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已将 {person.name} 加入{unit.name}后备干部库。")
            return redirect(f"{reverse('candidates:reserve-list')}?unit={unit.pk}")
    return render(request, "candidates/reserve_form.html", {"form": form, "adding": True})


@login_required
def reserve_edit(request, pk):
    reserve = access.reserve_for_user(request.user, pk, write=True)
    form = ReserveEditForm(
        request.POST or None, initial={"direction": reserve.direction, "note": reserve.note}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reserve_update(reserve=reserve, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存 {reserve.person.name} 的培养方向和说明。")
            return redirect(f"{reverse('candidates:reserve-list')}?unit={reserve.unit_id}")
    return render(request, "candidates/reserve_form.html", {"form": form, "reserve": reserve})


@login_required
def reserve_retire(request, pk):
    """出库: the page says what will happen and asks for the reason; the POST does it."""
    reserve = access.reserve_for_user(request.user, pk, write=True)
    form = ReserveRetireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reserve_retire(
                actor=request.user, reserve=reserve, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{reserve.person.name} 已出库。")
            return redirect(f"{reverse('candidates:reserve-list')}?unit={reserve.unit_id}")
    return render(request, "candidates/reserve_retire.html", {"form": form, "reserve": reserve})


@login_required
@require_POST
def reserve_propose(request, pk):
    reserve = access.reserve_for_user(request.user, pk, write=True)
    form = ProposeForm(request.POST)
    back = f"{reverse('candidates:reserve-list')}?unit={reserve.unit_id}"
    if not form.is_valid():
        messages.error(request, "提名未完成：请选择拟任班子、职务和继任/新任。")
        return redirect(back)
    try:
        candidacy = services.reserve_propose(
            actor=request.user, reserve=reserve, **form.cleaned_data
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, f"已将 {reserve.person.name} 提名为初步人选。")
    return redirect("candidates:candidacy-detail", pk=candidacy.pk)


# --- The import ----------------------------------------------------------------------------

PAGES = ImportPages(IMPORTER, "candidates", access.reserve_import_job_for_user, _require_writer)


@login_required
def reserve_import(request):
    _require_writer(request.user)
    return PAGES.upload(
        request,
        "candidates/reserve_import.html",
        back_url=reverse("candidates:reserve-list"),
        back_label="返回后备干部库",
    )
