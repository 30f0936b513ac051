"""Onboarding of the new committee: training, the four pledges, talks with those not re-elected."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from discipline.models import Talk
from renewal.aftercare import access, onboarding
from renewal.aftercare.forms import (
    PledgeForm,
    TrainingForm,
    member_choices,
)
from renewal.aftercare.views.common import PAGE_SIZE, fail
from renewal.kit.paging import KeyPaginator
from renewal.models import (
    CommitteePledge,
    DomainError,
    Person,
    Term,
    TrainingSession,
)

# --- Onboarding of the new committee ------------------------------------------------------------


@login_required
def onboarding_list(request):
    access.require_region_scope(request.user)
    new_terms = Term.objects.filter(unit_id=OuterRef("pk"), round__is_active=True)
    qs = (
        access.units_visible_to(request.user)
        .filter(Exists(new_terms))
        .select_related("township")
        .annotate(
            n_members=Count(
                "terms__members__person",
                filter=Q(terms__round__is_active=True),
                distinct=True,
            )
        )
        .order_by("township__code", "code")
    )
    page = KeyPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [u.pk for u in page]
    pledges = dict(
        CommitteePledge.objects.filter(unit_id__in=ids, round__is_active=True)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    trainings = dict(
        TrainingSession.objects.filter(unit_id__in=ids, round__is_active=True)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    for unit in page:
        unit.n_pledges = pledges.get(unit.pk, 0)
        unit.n_trainings = trainings.get(unit.pk, 0)
        unit.n_expected = unit.n_members * len(CommitteePledge.Kind.values)
    return render(request, "renewal/aftercare/onboarding_list.html", {"page": page})


def _onboarding_context(request, unit, rnd, *, training_form=None, pledge_form=None):
    changes = onboarding.committee_changes(rnd, unit)
    people = {}
    for change in changes:
        for seat in change.members:
            people.setdefault(seat.person_id, seat.person)
    people = sorted(people.values(), key=lambda p: (p.name, p.pk))
    for person, (_pk, shown) in zip(people, member_choices(people), strict=True):
        person.shown = shown  # same-name members told apart
    pledges = {
        (p.person_id, p.kind): p for p in CommitteePledge.objects.filter(round=rnd, unit=unit)
    }
    kinds = CommitteePledge.Kind.choices
    pledge_rows = [
        (person, [(kind, label, pledges.get((person.pk, kind))) for kind, label in kinds])
        for person in people
    ]
    leaving_ids = {p.pk for c in changes for p in c.leaving}
    talks = {}
    for talk in Talk.objects.filter(
        unit=unit, round=rnd, phase=Talk.Phase.AFTER, person_id__in=leaving_ids
    ).order_by("held_on"):
        talks[talk.person_id] = talk
    for change in changes:
        change.leaving_rows = [(p, talks.get(p.pk)) for p in change.leaving]
    trainings = TrainingSession.objects.filter(round=rnd, unit=unit).prefetch_related("attendees")
    member_ids = {p.pk for p in people}
    training_rows = []
    for session in trainings:
        present = {p.pk for p in session.attendees.all()}
        training_rows.append(
            (
                session,
                [p for p in people if p.pk in present],
                [p for p in people if p.pk not in present and p.pk in member_ids],
            )
        )
    today = timezone.localdate()
    return {
        "unit": unit,
        "round": rnd,
        "changes": changes,
        "people": people,
        "kinds": kinds,
        "pledge_rows": pledge_rows,
        "training_rows": training_rows,
        "can_write": access.can_write(request.user, unit),
        "training_form": training_form
        or TrainingForm(
            people=people, initial={"held_on": today, "attendees": [p.pk for p in people]}
        ),
        "pledge_form": pledge_form
        or PledgeForm(
            people=people, initial={"signed_on": today, "people": [p.pk for p in people]}
        ),
    }


@login_required
def unit_onboarding(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk)
    rnd = access.active_round_for(unit)
    return render(
        request, "renewal/aftercare/unit_onboarding.html", _onboarding_context(request, unit, rnd)
    )


@login_required
@require_POST
def training_add(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk, write=True)
    rnd = access.active_round_for(unit)
    people = Person.objects.filter(pk__in=onboarding.new_member_ids(rnd, unit))
    form = TrainingForm(request.POST, people=people)
    if form.is_valid():
        try:
            onboarding.training_record(
                actor=request.user,
                unit=unit,
                round_=rnd,
                title=form.cleaned_data["title"],
                held_on=form.cleaned_data["held_on"],
                attendee_ids=form.cleaned_data["attendees"],
            )
        except DomainError as exc:
            fail(form, exc)
        else:
            messages.success(request, "培训情况已登记。")
            return redirect("aftercare:unit-onboarding", unit.pk)
    context = _onboarding_context(request, unit, rnd, training_form=form)
    return render(request, "renewal/aftercare/unit_onboarding.html", context)


@login_required
@require_POST
def pledge_add(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk, write=True)
    rnd = access.active_round_for(unit)
    people = Person.objects.filter(pk__in=onboarding.new_member_ids(rnd, unit))
    form = PledgeForm(request.POST, people=people)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = onboarding.pledges_record(
                actor=request.user,
                unit=unit,
                round_=rnd,
                people=people.filter(pk__in=data["people"]),
                kind=data["kind"],
                summary=data["summary"],
                signed_on=data["signed_on"],
            )
        except DomainError as exc:
            fail(form, exc)
        else:
            kind = CommitteePledge.Kind(data["kind"]).label
            kept = len(data["people"]) - len(recorded)
            note = f"{kept} 名成员此前已登记，保留原记录（逐人更正请只勾选一人）。" if kept else ""
            messages.success(request, f"已为 {len(recorded)} 名成员登记{kind}。{note}")
            return redirect("aftercare:unit-onboarding", unit.pk)
    context = _onboarding_context(request, unit, rnd, pledge_form=form)
    return render(request, "renewal/aftercare/unit_onboarding.html", context)
