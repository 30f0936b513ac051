"""What the candidates app tells the roll-up: stage completion and per-unit figures.

Every fact is read as of the end of the given day from the candidacy log (each status
change is logged with its time), so a past day can be rebuilt. One query per call.

Stage rules (a unit's stage is complete when, by the end of the day):
- ``recommendation`` (推荐人选): at least one preliminary candidate was entered;
- ``vetting`` (考察与联审): at least one candidate passed the township review after
  inspection and joint vetting;
- ``formal_list`` (确定正式候选人): at least one candidate was put on the formal list.
"""

from django.db.models import Count

from candidates.models import Candidacy, CandidacyLog
from renewal.kit.dates import end_of_day
from renewal.kit.figures import register_stage_check, register_unit_figure, units_q


def _units_with_candidacies(round_, unit_ids, day) -> set[int]:
    return set(
        Candidacy.objects.filter(units_q(round_, unit_ids), created_at__lt=end_of_day(day))
        .values_list("unit_id", flat=True)
        .distinct()
    )


def _units_reaching(status):
    def check(round_, unit_ids, day) -> set[int]:
        return set(
            CandidacyLog.objects.filter(
                units_q(round_, unit_ids, round="candidacy__round", unit="candidacy__unit"),
                to_status=status,
                at__lt=end_of_day(day),
            )
            .values_list("candidacy__unit_id", flat=True)
            .distinct()
        )

    return check


def candidates_entered(round_, unit_ids, day) -> dict[int, int]:
    rows = (
        Candidacy.objects.filter(units_q(round_, unit_ids), created_at__lt=end_of_day(day))
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    return dict(rows)


def _candidacies_reaching(status):
    def count(round_, unit_ids, day) -> dict[int, int]:
        rows = (
            CandidacyLog.objects.filter(
                units_q(round_, unit_ids, round="candidacy__round", unit="candidacy__unit"),
                to_status=status,
                at__lt=end_of_day(day),
            )
            .values("candidacy__unit_id")
            .annotate(n=Count("candidacy_id", distinct=True))
            .values_list("candidacy__unit_id", "n")
        )
        return dict(rows)

    return count


def register() -> None:
    register_stage_check("recommendation", _units_with_candidacies)
    register_stage_check("vetting", _units_reaching(Candidacy.Status.TOWNSHIP_APPROVED))
    register_stage_check("formal_list", _units_reaching(Candidacy.Status.FORMAL))
    register_unit_figure(
        "candidates_entered", "录入人选（人）", candidates_entered, app="candidates"
    )
    register_unit_figure(
        "candidates_vetted",
        "通过联审（人）",
        _candidacies_reaching(Candidacy.Status.VETTED),
        app="candidates",
    )
    register_unit_figure(
        "candidates_disqualified",
        "取消资格（人）",
        _candidacies_reaching(Candidacy.Status.DISQUALIFIED),
        app="candidates",
    )
