"""Villagers' / residents' committee elections: set-up, register, objections, proxies, import.

Thin views: the access helper (ballots.villagers.access), a form, a service
(ballots.villagers.setup; the import's pages are the upload machine's), a message, a redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ballots.models import (
    VillagersElection,
    VoterObjection,
    VoterRegistration,
)
from ballots.villagers import access, setup, voter_import
from ballots.villagers import schedule as schedules
from ballots.villagers.forms import (
    CommitteeMemberForm,
    CorrectionForm,
    ElectionForm,
    MemberLeaveForm,
    ObjectionAnswerForm,
    ObjectionForm,
    ProxyForm,
    PublishForm,
    VoterEditForm,
    VoterFilterForm,
    VoterForm,
)
from renewal.kit.confirmation import Ask, ask_first, asks
from renewal.kit.import_pages import ImportPages
from renewal.kit.paging import KeyPaginator, tally
from renewal.models import AccessLog, DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _version(post) -> int:
    raw = post.get("version", "")
    return int(raw) if raw.isdecimal() else -1


# --- Elections -----------------------------------------------------------------------------


def _count(qs):
    """Rows of `qs` belonging to the outer election, as an integer subquery."""
    return Coalesce(
        Subquery(
            qs.filter(election=OuterRef("pk"))
            .order_by()
            .values("election")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        ),
        0,
    )


@login_required
def election_list(request):
    access.require_use(request.user)
    qs = (
        access.elections_visible_to(request.user)
        .select_related("unit", "unit__township", "pack")
        .annotate(
            # Subqueries, not joins: two joined counts would multiply each other.
            voters=_count(VoterRegistration.objects.filter(is_active=True)),
            open_objections=_count(
                VoterObjection.objects.filter(outcome=VoterObjection.Outcome.OPEN)
            ),
        )
    )
    status = request.GET.get("status", "")
    if status in VillagersElection.Status.values:
        qs = qs.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(unit__name__contains=q)
    sort = request.GET.get("sort", "")
    order = {"day": ("election_day", "unit__code"), "-day": ("-election_day", "unit__code")}.get(
        sort, ("unit__township__code", "unit__code")
    )
    page = KeyPaginator(qs.order_by(*order), settings.UNITS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    writable = (
        access.units_visible_to(request.user)
        .filter(county__rounds__is_active=True)
        .exclude(villagers_elections__round__is_active=True)
    )
    writable = [
        u
        for u in writable.select_related("township").order_by("code")[:500]
        if access.can_prepare(request.user, u)
    ]
    return render(
        request,
        "ballots/villagers/election_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "sort": sort,
            "statuses": VillagersElection.Status.choices,
            "total": tally(access.elections_visible_to(request.user)),
            "units_without": writable,
        },
    )


@login_required
def election_create(request, unit_pk):
    unit = access.unit_for_user(request.user, unit_pk, write=True)
    form = ElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            election = setup.election_create(
                actor=request.user, unit=unit, election_day=form.cleaned_data["election_day"]
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"已建立{unit.name}{unit.committee_label}选举，请推选选举委员会并登记选民。",
            )
            return redirect("villagers:election-detail", pk=election.pk)
    return render(
        request,
        "ballots/villagers/election_form.html",
        {"form": form, "unit": unit, "election": None},
    )


@login_required
def election_edit(request, pk):
    election = access.election_for_user(request.user, pk, write=True)
    form = ElectionForm(
        request.POST or None,
        initial={"election_day": election.election_day, "version": election.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            setup.election_update(
                actor=request.user,
                election=election,
                election_day=form.cleaned_data["election_day"],
                version=_version(request.POST),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已修改选举日，选举规则已按新日期重新确定。")
            return redirect("villagers:election-detail", pk=election.pk)
    return render(
        request,
        "ballots/villagers/election_form.html",
        {"form": form, "unit": election.unit, "election": election},
    )


@login_required
def election_detail(request, pk):
    election = access.election_for_user(request.user, pk)
    can_write = access.can_prepare(request.user, election.unit)
    members = list(
        election.committee_members.select_related("replaced_by").order_by(
            "left_on", "role", "joined_on", "pk"
        )
    )
    today = timezone.localdate()
    return render(
        request,
        "ballots/villagers/election_detail.html",
        {
            "election": election,
            "can_write": can_write,
            "members": members,
            "member_form": CommitteeMemberForm(),
            "publish_form": PublishForm(
                initial={
                    "published_on": election.register_published_on
                    or min(today, setup.latest_publication_day(election)),
                    "version": election.version,
                }
            ),
            "counts": _category_rows(election),
            "latest_publication": setup.latest_publication_day(election),
            "objection_deadline": setup.objection_deadline(election),
            "open_objections": election.objections.filter(
                outcome=VoterObjection.Outcome.OPEN
            ).count(),
            "proxies": election.proxies.count(),
            "today": today,
            "schedule": schedules.schedule_for(election, today=today),
        },
    )


def _category_rows(election):
    counts = setup.category_counts(election)
    rows = [(label, counts[value]) for value, label in VoterRegistration.Category.choices]
    return {"rows": rows, "total": sum(counts.values())}


# --- Election committee ---------------------------------------------------------------------


@login_required
@require_POST
def committee_add(request, pk):
    election = access.election_for_user(request.user, pk, write=True)
    form = CommitteeMemberForm(request.POST)
    if form.is_valid():
        f = form.cleaned_data
        try:
            setup.committee_member_add(
                actor=request.user,
                election=election,
                name=f["name"],
                role=f["role"],
                id_number=f["id_number"],
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已将{f['name']}加入选举委员会。")
    else:
        messages.error(request, "请填写成员姓名并选择职务。")
    return redirect("villagers:election-detail", pk=election.pk)


@login_required
def member_leave(request, pk):
    member = access.committee_member_for_user(request.user, pk, write=True)
    election = member.election
    form = MemberLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            if member.left_on is None:
                replacement = None
                if f["replacement_name"]:
                    replacement = {
                        "name": f["replacement_name"],
                        "id_number": f["replacement_id_number"],
                    }
                setup.committee_member_leave(
                    member=member, reason=f["reason"], replacement=replacement, actor=request.user
                )
            else:
                if not f["replacement_name"]:
                    raise DomainError("请填写递补人姓名。")
                setup.committee_member_replace(
                    actor=request.user,
                    member=member,
                    name=f["replacement_name"],
                    id_number=f["replacement_id_number"],
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已记录{member.name}退出选举委员会及递补情况。")
            return redirect("villagers:election-detail", pk=election.pk)
    return render(
        request,
        "ballots/villagers/member_leave.html",
        {"form": form, "member": member, "election": election},
    )


# --- Voter register -------------------------------------------------------------------------

SORT_FIELDS = {
    "name": ("person__name", "pk"),
    "group": ("group_name", "person__name", "pk"),
    "category": ("category", "person__name", "pk"),
    "-registered": ("-registered_at", "-pk"),
}


@login_required
def voter_list(request, pk):
    election = access.election_for_user(request.user, pk)
    form = VoterFilterForm(request.GET or None)
    qs = election.registrations.select_related("person")
    f = form.cleaned_data if form.is_valid() else {}
    status = f.get("status", "")
    if status == "inactive":
        qs = qs.filter(is_active=False)
    elif status != "all":
        qs = qs.filter(is_active=True)
    if f.get("q"):
        qs = qs.filter(person__name__contains=f["q"].strip())
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    if f.get("group"):
        qs = qs.filter(group_name__contains=f["group"].strip())
    qs = qs.order_by(*SORT_FIELDS.get(f.get("sort") or "group", SORT_FIELDS["group"]))
    page = KeyPaginator(qs, settings.UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "election": election,
        "form": form,
        "page": page,
        "can_write": access.can_prepare(request.user, election.unit),
        "can_unmask": access.can_unmask(request.user, election),
        "counts": _category_rows(election),
    }
    template = (
        "ballots/villagers/partials/voter_results.html"
        if request.htmx
        else "ballots/villagers/voter_list.html"
    )
    return render(request, template, context)


@login_required
def voter_create(request, pk):
    election = access.election_for_user(request.user, pk, write=True)
    form = VoterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            registration = setup.voter_register(
                actor=request.user,
                election=election,
                id_number=f["id_number"],
                name=f["name"],
                category=f["category"],
                group_name=f["group_name"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已将{registration.person.name}登记为选民。")
            if "another" in request.POST:
                return redirect("villagers:voter-create", pk=election.pk)
            return redirect("villagers:voter-list", pk=election.pk)
    return render(
        request, "ballots/villagers/voter_form.html", {"form": form, "election": election}
    )


@login_required
def voter_edit(request, pk):
    registration = access.registration_for_user(request.user, pk, write=True)
    election = registration.election
    form = VoterEditForm(
        request.POST or None,
        initial={"category": registration.category, "group_name": registration.group_name},
    )
    if request.method == "POST" and form.is_valid():
        try:
            setup.voter_update(
                actor=request.user,
                registration=registration,
                category=form.cleaned_data["category"],
                group_name=form.cleaned_data["group_name"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已修改{registration.person.name}的登记信息。")
            return redirect("villagers:voter-list", pk=election.pk)
    return render(
        request,
        "ballots/villagers/voter_edit.html",
        {"form": form, "election": election, "registration": registration},
    )


@login_required
@require_POST
def voter_active(request, pk):
    registration = access.registration_for_user(request.user, pk, write=True)
    active = request.POST.get("active") == "1"
    try:
        setup.voter_set_active(actor=request.user, registration=registration, active=active)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        word = "恢复到" if active else "移出"
        messages.success(request, f"已将{registration.person.name}{word}选民名单。")
    return redirect("villagers:voter-list", pk=registration.election_id)


@login_required
@require_POST
def voter_unmask(request, pk):
    registration = access.registration_to_unmask(request.user, pk)
    AccessLog.objects.create(
        user=request.user,
        action=AccessLog.Action.UNMASK,
        target=f"人员 {registration.person.name}（选民登记 #{registration.pk}）",
        detail={"person": registration.person_id, "fields": ["id_number", "phone"]},
    )
    return render(request, "candidates/partials/unmasked.html", {"person": registration.person})


@login_required
@require_POST
def register_publish(request, pk):
    election = access.election_for_user(request.user, pk, write=True)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的公布日期。")
    else:
        try:
            setup.register_publish(
                actor=request.user,
                election=election,
                published_on=form.cleaned_data["published_on"],
                version=_version(request.POST),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已记录选民名单公布日期。")
    return redirect("villagers:election-detail", pk=election.pk)


# --- Changes after publication ---------------------------------------------------------------


@login_required
def register_correct(request, pk):
    election = access.election_for_user(request.user, pk, write=True)
    initial = {}
    if request.GET.get("registration", "").isdecimal():
        initial = {"registration": request.GET["registration"], "action": "change"}
    form = CorrectionForm(request.POST or None, election=election, initial=initial)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data
        try:
            change = setup.register_correct(
                actor=request.user,
                election=election,
                action=f["action"],
                reason=f["reason"],
                basis=f["basis"],
                registration=f["registration"],
                id_number=f["id_number"],
                name=f["name"],
                category=f["category"],
                group_name=f["group_name"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"已更正：{change.get_kind_display()} {change.registration.person.name}，"
                "已列入“公布后的变更”。",
            )
            return redirect("villagers:register-changes", pk=election.pk)
    return render(
        request,
        "ballots/villagers/correction_form.html",
        {"form": form, "election": election},
    )


@login_required
def register_changes(request, pk):
    election = access.election_for_user(request.user, pk)
    return render(
        request,
        "ballots/villagers/register_changes.html",
        {
            "election": election,
            "changes": setup.register_changes(election),
            "can_write": access.can_prepare(request.user, election.unit),
        },
    )


@login_required
def voter_print(request, pk):
    """The published list as printed for posting, with the changes since as its appendix."""
    election = access.election_for_user(request.user, pk)
    voters = (
        election.registrations.filter(is_active=True)
        .select_related("person")
        .order_by("group_name", "person__name", "pk")
    )
    return render(
        request,
        "ballots/villagers/voter_print.html",
        {
            "election": election,
            "voters": voters,
            "counts": _category_rows(election),
            "changes": setup.register_changes(election),
            "today": timezone.localdate(),
        },
    )


# --- Objections -----------------------------------------------------------------------------


@login_required
def objection_list(request, pk):
    election = access.election_for_user(request.user, pk)
    can_write = access.can_prepare(request.user, election.unit)
    form = ObjectionForm(
        request.POST or None, election=election, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST":
        election = access.election_for_user(request.user, pk, write=True)
        if form.is_valid():
            f = form.cleaned_data
            remove = f["kind"] == VoterObjection.Kind.REMOVE
            try:
                setup.objection_receive(
                    actor=request.user,
                    election=election,
                    raised_by=f["raised_by"],
                    received_on=f["received_on"],
                    reason=f["reason"],
                    registration=f["registration"] if remove else None,
                    id_number="" if remove else f["id_number"],
                    name="" if remove else f["name"],
                    category="" if remove else f["category"],
                    group_name="" if remove else f["group_name"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已受理异议。")
                return redirect("villagers:objection-list", pk=election.pk)
    objections = election.objections.select_related("person", "registration__person").order_by(
        "-outcome", "answer_due", "pk"
    )
    return render(
        request,
        "ballots/villagers/objection_list.html",
        {
            "election": election,
            "form": form,
            "objections": objections,
            "can_write": can_write,
            "deadline": setup.objection_deadline(election),
            "today": timezone.localdate(),
        },
    )


@login_required
def open_objections(request):
    """Open objections across the user's elections, the overdue ones first."""
    access.require_use(request.user)
    qs = (
        VoterObjection.objects.filter(
            election__in=access.elections_visible_to(request.user),
            outcome=VoterObjection.Outcome.OPEN,
        )
        .select_related(
            "election",
            "election__unit",
            "election__unit__township",
            "person",
            "registration__person",
        )
        .order_by("answer_due", "pk")
    )
    page = KeyPaginator(qs, settings.UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ballots/villagers/open_objections.html",
        {"page": page, "today": timezone.localdate()},
    )


@login_required
def objection_answer(request, pk):
    objection = access.objection_for_user(request.user, pk, write=True)
    form = ObjectionAnswerForm(request.POST or None, initial={"answered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            setup.objection_answer(actor=request.user, objection=objection, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已答复异议。")
            return redirect("villagers:objection-list", pk=objection.election_id)
    return render(
        request,
        "ballots/villagers/objection_answer.html",
        {"form": form, "objection": objection, "election": objection.election},
    )


# --- Proxies --------------------------------------------------------------------------------


def _proxies(election):
    return election.proxies.select_related("holder__person", "principal__person").order_by(
        "holder__group_name", "holder__person__name", "pk"
    )


@login_required
def proxy_list(request, pk):
    election = access.election_for_user(request.user, pk)
    can_write = access.can_prepare(request.user, election.unit)
    form = ProxyForm(request.POST or None, election=election)
    if request.method == "POST":
        election = access.election_for_user(request.user, pk, write=True)
        if form.is_valid():
            f = form.cleaned_data
            try:
                setup.proxy_create(actor=request.user, election=election, **f)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"已登记{f['principal'].person.name}委托{f['holder'].person.name}投票。",
                )
                return redirect("villagers:proxy-list", pk=election.pk)
    return render(
        request,
        "ballots/villagers/proxy_list.html",
        {"election": election, "form": form, "proxies": _proxies(election), "can_write": can_write},
    )


@login_required
def proxy_print(request, pk):
    election = access.election_for_user(request.user, pk)
    return render(
        request,
        "ballots/villagers/proxy_print.html",
        {"election": election, "proxies": _proxies(election), "today": timezone.localdate()},
    )


@asks("proxy-withdraw")
def _ask_proxy_withdraw(proxy) -> Ask:
    principal, holder = proxy.principal.person.name, proxy.holder.person.name
    return Ask(
        action="确认撤销委托",
        question=f"撤销{principal}委托{holder}投票？",
        consequence=f"撤销后{holder}不能再代{principal}投票，该委托从委托投票公示名单中去掉；"
        "如仍要委托，须重新登记书面委托。",
    )


@login_required
@require_POST
def proxy_withdraw(request, pk):
    proxy = access.proxy_for_user(request.user, pk, write=True)
    back = reverse("villagers:proxy-list", args=[proxy.election_id])
    if asked := ask_first(request, "proxy-withdraw", proxy, back=back):
        return asked
    try:
        setup.proxy_withdraw(actor=request.user, proxy=proxy)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已撤销该委托。")
    return redirect("villagers:proxy-list", pk=proxy.election_id)


# --- Import ---------------------------------------------------------------------------------


PAGES = ImportPages(
    voter_import.IMPORTER, "villagers", access.import_job_for_user, access.require_use
)


@login_required
def import_upload(request, pk):
    election = access.election_for_user(request.user, pk, write=True)
    return PAGES.upload(
        request,
        "ballots/villagers/import_form.html",
        back_url=reverse("villagers:voter-list", args=[election.pk]),
        back_label="返回选民名单",
        election=election,
    )
