"""The countdown of a unit's villagers' election on pages outside the election (the unit
page): the ground floor's templates load it, so they need not know the ballots app."""

from django import template

from ballots.models import VillagersElection
from ballots.villagers import access
from ballots.villagers import schedule as schedules

register = template.Library()


@register.inclusion_tag("ballots/villagers/partials/countdown.html")
def villagers_countdown(unit, user):
    """The active round's election of ``unit`` with what is due next, or nothing (also for a
    user who has no business with elections)."""
    if not access.can_read_unit(user, unit):
        return {"election": None}
    election = (
        VillagersElection.objects.filter(unit=unit, round__is_active=True)
        .select_related("pack", "unit")
        .first()
    )
    if election is None:
        return {"election": None}
    return {"election": election, "schedule": schedules.schedule_for(election)}
