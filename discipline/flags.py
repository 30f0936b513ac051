"""Flags in the candidates' vetting queue: an open discipline case, a ledger entry.

A flagged candidacy cannot pass vetting (candidates.services.vetting_blockers). The
open-case message names neither the reporter nor anything about the case: township staff
and vetting departments read it too.
"""

from candidates.flags import Flag
from candidates.flags import register as register_flag
from discipline.models import DisciplinedCadre, Report

OPEN_CASE = "该人员有正在核查的换届纪律举报"


def open_case_flags(person) -> list[Flag]:
    """A candidacy of this person is named in a case not yet concluded."""
    open_case = Report.objects.filter(
        candidacies__person=person,
        status__in=[Report.Status.RECEIVED, Report.Status.ASSIGNED, Report.Status.CHECKED],
    ).exists()
    return [Flag("discipline-case", OPEN_CASE)] if open_case else []


def ledger_flags(person) -> list[Flag]:
    """The person's ID number is in the disciplined-cadres ledger (matched by blind index)."""
    if not person.id_number_hash:
        return []
    entries = DisciplinedCadre.objects.filter(id_number_hash=person.id_number_hash).values_list(
        "penalty", "decided_on"
    )
    return [
        Flag("disciplined-ledger", f"列入受处分干部台账：{penalty}（{decided_on:%Y-%m-%d}）")
        for penalty, decided_on in entries
    ]


def register() -> None:
    register_flag(open_case_flags)
    register_flag(ledger_flags)
