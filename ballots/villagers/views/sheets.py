"""The villagers' tally sheets as PDF: one per box, and one per round (the combined tally
of all boxes for a first vote), each ending with the reconciliation the scrutineers sign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect

from ballots.congress import printing
from ballots.villagers import access, tally_sheet
from renewal.kit.file_names import dated_name, disposition


def _pdf(request, spec, names: tuple[str, str], back):
    """The PDF, or back to the page with the printer's Chinese message (no formal candidates
    yet, a name the embedded font cannot draw) instead of a server error."""
    try:
        pdf = printing.villagers_tally_sheet_pdf(spec)
    except ValueError as exc:
        messages.error(request, f"无法生成计票单：{exc}")
        return back
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = disposition(*names, inline=True)
    return response


@login_required
def box_tally_pdf(request, bid):
    box = access.box_for_user(request.user, bid)
    return _pdf(
        request,
        tally_sheet.box_sheet(box),
        (
            dated_name(box.election.unit.name, f"{box.name}计票单", ext="pdf"),
            f"villagers-box-{box.pk}-tally.pdf",
        ),
        redirect("villagers:box-entry", bid=box.pk),
    )


@login_required
def round_tally_pdf(request, rid):
    rnd = access.round_for_user(request.user, rid)
    return _pdf(
        request,
        tally_sheet.round_sheet(rnd),
        (
            dated_name(rnd.election.unit.name, f"第{rnd.number}轮计票单", ext="pdf"),
            f"villagers-round-{rnd.pk}-tally.pdf",
        ),
        redirect("villagers:round-detail", rid=rnd.pk),
    )
