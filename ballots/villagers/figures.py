"""Roll-up figures the ballots app owns (renewal.kit.figures registries)."""

import datetime

from django.db.models import Count

from ballots.models import VoterRegistration
from renewal.kit.dates import end_of_day
from renewal.kit.figures import register_unit_figure, units_q


def voters_registered(round_, unit_ids, day: datetime.date) -> dict[int, int]:
    """Active registrations per unit made by the end of `day` (one query).

    A registration deactivated later is counted as of today's state: the register keeps
    no dated history of deactivations outside pghistory, and the roll-up of past days is
    rebuilt from the current register.
    """
    end = end_of_day(day)
    rows = (
        VoterRegistration.objects.filter(
            units_q(round_, unit_ids, unit="election__unit"),
            is_active=True,
            registered_at__lt=end,
        )
        .values("election__unit_id")
        .annotate(n=Count("id"))
    )
    return {row["election__unit_id"]: row["n"] for row in rows}


def register() -> None:
    register_unit_figure("voters_registered", "登记选民", voters_registered, app="ballots")
