"""Stage checks and roll-up figures of congresses and villagers' elections (renewal.kit.figures).

Each function runs one query whatever the number of units; ``day`` is respected through
the timestamps the services write (counted_at, approved_at), taken at the end of that
day in the project's time zone.
"""

from ballots.models import Congress, ElectionRound, VillagersBallotSetup
from renewal.kit.dates import end_of_day
from renewal.kit.figures import register_stage_check, register_unit_figure, units_q


def congress_held_units(round_, unit_ids, day) -> set[int]:
    """A congress of the round with a counted committee round by the end of ``day``."""
    rows = ElectionRound.objects.filter(
        units_q(round_, unit_ids, round="congress__round", unit="congress__unit"),
        kind=ElectionRound.Kind.COMMITTEE,
        status=ElectionRound.Status.COUNTED,
        counted_at__lt=end_of_day(day),
    ).values_list("congress__unit_id", flat=True)
    return set(rows)


def congress_approved_units(round_, unit_ids, day) -> set[int]:
    rows = Congress.objects.filter(
        units_q(round_, unit_ids),
        status=Congress.Status.APPROVED,
        approved_at__lt=end_of_day(day),
    ).values_list("unit_id", flat=True)
    return set(rows)


def villagers_approved_units(round_, unit_ids, day) -> set[int]:
    rows = VillagersBallotSetup.objects.filter(
        units_q(round_, unit_ids, round="election__round", unit="election__unit"),
        election__status="approved",
        approved_at__lt=end_of_day(day),
    ).values_list("election__unit_id", flat=True)
    return set(rows)


def _as_counts(check):
    def count(round_, unit_ids, day):
        return dict.fromkeys(check(round_, unit_ids, day), 1)

    return count


def register() -> None:
    register_stage_check("congress", congress_held_units)
    register_stage_check("approval", congress_approved_units)
    register_stage_check("villagers_election", villagers_approved_units)
    register_unit_figure(
        "congresses_held", "党员大会已召开", _as_counts(congress_held_units), app="ballots"
    )
    register_unit_figure(
        "congress_results_approved",
        "党组织选举结果已批复",
        _as_counts(congress_approved_units),
        app="ballots",
    )
    register_unit_figure(
        "villagers_elections_done",
        "村(居)委会选举已完成",
        _as_counts(villagers_approved_units),
        app="ballots",
    )
