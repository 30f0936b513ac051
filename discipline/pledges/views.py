"""Pledges and talks of a unit, entered by its township's staff, and their coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from candidates.models import Candidacy
from discipline import access
from discipline.forms import form_errors
from discipline.pledges import services
from discipline.pledges.forms import PledgeForm, TalkForm
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.paging import KeyPaginator
from renewal.models import DomainError, Person

# --- Pledges and talks -----------------------------------------------------------------------


@login_required
def coverage(request):
    access.require_region_scope(request.user)
    units = access.units_visible_to(request.user).select_related("township")
    townships = access.townships_visible_to(request.user).order_by("code")
    township = request.GET.get("township", "")
    if township.isdecimal():
        units = units.filter(township_id=int(township))
    page = KeyPaginator(units.order_by("code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "discipline/pledges/coverage.html",
        {
            "page": page,
            "rows": services.unit_discipline(list(page.object_list)),
            "townships": townships,
            "township": township,
        },
    )


def _unit_page(request, unit, *, talk_form=None):
    (d,) = services.unit_discipline([unit])
    people = d.people(d.before | d.after)
    context = {
        "unit": unit,
        "d": d,
        "before": d.people(d.before),
        "after": d.people(d.after),
        "can_write": access.can_write_unit(request.user, unit),
        "talk_form": talk_form
        or TalkForm(people=people, initial={"held_on": timezone.localdate(), "phase": "before"}),
        "talks": unit.talks.select_related("person").order_by("-held_on", "-id")[:100],
        "today": timezone.localdate(),
    }
    return render(request, "discipline/pledges/unit_pledges_talks.html", context)


@login_required
def unit_pledges_talks(request, unit_pk):
    return _unit_page(request, access.unit_for_user(request.user, unit_pk))


@asks("pledge-refuse")
def _ask_refuse(name: str) -> Ask:
    """By the person's name: the page lists candidacies as rows, not model objects."""
    return Ask(
        action="确认登记拒签",
        question=f"登记{name}拒签换届纪律承诺书？",
        consequence="登记拒签即取消其人选资格，其不再进入正式候选人名单。",
    )


@login_required
@require_POST
def pledge_record(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk, write=True)
    form = PledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "承诺书未登记：" + form_errors(form))
        return redirect("discipline:unit-pledges-talks", unit_pk=unit.pk)
    d = form.cleaned_data
    candidacy = (
        Candidacy.objects.filter(pk=d["candidacy"], unit=unit).select_related("person").first()
    )
    if candidacy is None:
        raise Http404
    refused = d["decision"] == "refuse"
    back = reverse("discipline:unit-pledges-talks", args=[unit.pk])
    if refused and (asked := ask_first(request, "pledge-refuse", candidacy.person.name, back=back)):
        return asked
    try:
        services.pledge_record(
            actor=request.user,
            candidacy=candidacy,
            signed_on=None if refused else d["signed_on"],
            refused=refused,
            note=d["note"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{candidacy.person.name}拒签承诺书，已取消其人选资格。"
            if refused
            else f"已登记{candidacy.person.name}签订承诺书。",
        )
    return redirect("discipline:unit-pledges-talks", unit_pk=unit.pk)


@login_required
@require_POST
def talk_record(request, unit_pk):
    """Record a talk; refused, the page comes back with what was typed and the reason."""
    unit = access.unit_for_user(request.user, unit_pk, write=True)
    (d,) = services.unit_discipline([unit])
    form = TalkForm(request.POST, people=d.people(d.before | d.after))
    if form.is_valid():
        f = form.cleaned_data
        person = Person.objects.get(pk=f["person"])
        try:
            services.talk_record(
                actor=request.user,
                unit=unit,
                person=person,
                phase=f["phase"],
                held_on=f["held_on"],
                talked_by=f["talked_by"],
                summary=f["summary"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已登记与{d.names.get(person.pk, person.name)}的谈心谈话。")
            return redirect("discipline:unit-pledges-talks", unit_pk=unit.pk)
    messages.error(request, "谈话未登记，请按提示修改。")
    return _unit_page(request, unit, talk_form=form)
