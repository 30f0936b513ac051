"""The disciplined-cadres ledger (受处分干部台账): the list, the template and the import."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render

from discipline import access
from discipline.ledger import services as ledger
from discipline.models import LedgerImportJob
from renewal.kit.idcard import mask_id_number
from renewal.kit.import_pages import ImportPages
from renewal.kit.paging import KeyPaginator, tally
from renewal.models import DomainError

# --- The disciplined-cadres ledger -------------------------------------------------------------


PAGES = ImportPages(
    ledger.IMPORTER, "discipline", access.ledger_job_for_user, access.require_discipline
)


@login_required
def ledger_list(request):
    access.require_discipline(request.user)
    form = PAGES.form(request)
    if request.method == "POST" and form.is_valid():
        try:
            county_id = ledger.ledger_county(request.user)
        except DomainError as exc:
            form.add_error("file", str(exc))
        else:
            started = PAGES.start(request, form, county_id=county_id)
            if started:
                return started
    entries = ledger.ledger_entries(request.user)
    matched_only = request.GET.get("matched") == "1"
    if matched_only:
        entries = entries.filter(matched=True)
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(Q(name__contains=q) | Q(workplace__contains=q))
    page = KeyPaginator(entries.order_by("-decided_on", "id"), settings.UNITS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    matches = ledger.matches_for(request.user, page.object_list)
    for entry in page:
        entry.masked = mask_id_number(entry.id_number)
        entry.candidacies = matches.get(entry.id_number_hash, [])
    return render(
        request,
        "discipline/ledger/ledger_list.html",
        {
            "form": form,
            "recent": PAGES.recent(LedgerImportJob.objects.filter(user=request.user)),
            "page": page,
            "total": tally(ledger.ledger_entries(request.user)),
            "matched_only": matched_only,
            "q": q,
        },
    )
