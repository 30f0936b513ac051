from django import template

from renewal.access import ABOVE_COUNTY_ROLES
from renewal.kit import people
from renewal.kit.confirmation import ask_for

register = template.Library()


@register.filter
def tally(number):
    """A list's count as shown: "约 1,000,000" when it is approximate (renewal/kit/paging.py)."""
    return getattr(number, "label", number)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.filter
def user_name(user, name_only=False) -> str:
    """A user as people know them: name and role ("王敏（乡镇(街道)工作人员）"); the login only
    for an account with no name. ``user|user_name:"name_only"`` leaves the role out where the
    page shows it beside."""
    return people.person_name(user) if name_only else people.person_label(user)


@register.filter
def unit_word(kind, word="residents") -> str:
    """村民 or 居民 (``residents``), 村 or 社区 (``place``), 村民委员会 or 居民委员会
    (``committee``), from a unit's kind: ``unit.kind|unit_word`` or a unit itself."""
    kind = getattr(kind, "kind", kind)
    return people.unit_words(kind)[word]


@register.inclusion_tag("partials/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, place, *trail):
    """Where a detail page is: 县 › 乡镇 › 村(社区), then the page's own trail.

    ``place`` is a unit or a region (county or township), or None; ``trail`` is label, url,
    label, url, …, and last the page's own label (not linked). The regions link to the
    list of their units, the unit to its page; a user with no unit pages (a department's
    vetting officer) gets the names without links.
    """
    from django.urls import reverse

    user = context["request"].user
    profile = getattr(user, "profile", None)
    links = profile is None or profile.role != "department_user"
    crumbs = []
    unit = place if hasattr(place, "township_id") else None
    region = unit.township if unit else place
    chain = []
    # From the county down: the city and the province above it hold no units of their own.
    while region is not None and not region.is_above_county:
        chain.insert(0, region)
        region = region.parent
    units = reverse("renewal:unit-list")
    # A reviewer above the county lists the units of several counties: the county's crumb
    # narrows the list to it.
    wide = profile is not None and profile.role in ABOVE_COUNTY_ROLES
    for region in chain:
        if region.is_county:
            url = f"{units}?county={region.pk}" if wide else units
        else:
            url = f"{units}?township={region.pk}"
        crumbs.append({"label": region.name, "url": url if links else ""})
    if unit:
        url = reverse("renewal:unit-detail", args=[unit.pk]) if links else ""
        crumbs.append({"label": unit.name, "url": url})
    pairs = list(trail[:-1])
    for label, url in zip(pairs[::2], pairs[1::2], strict=True):
        crumbs.append({"label": label, "url": url})
    if trail:
        crumbs.append({"label": trail[-1], "url": ""})
    return {"crumbs": crumbs}


@register.inclusion_tag("partials/next_step.html", takes_context=True)
def next_step(context, obj):
    """The record's next step and where it is done (renewal.kit.next_steps)."""
    from renewal.kit import next_steps

    return {"step": next_steps.next_step(context["request"].user, obj)}


@register.simple_tag
def confirm_text(key, obj) -> str:
    """The question a form asks before an action that cannot simply be taken back, in the words
    its view's confirmation page uses (see renewal/kit/confirmation.py)."""
    return ask_for(key, obj).text
