"""How the pages name the people who use the system and the people a unit serves.

A user is shown by name and role ("王敏（乡镇(街道)工作人员）"), never by the login: the login
is a key for signing in, and readers of a history or a log want to know who acted and in
what capacity. A unit's residents are 村民 in a village and 居民 in a community; every page
that says one or the other takes it from the unit's kind here.
"""

from django.contrib.auth import get_user_model

VILLAGE_WORDS = {
    "residents": "村民",
    "place": "村",
    "committee": "村民委员会",
    "group": "村民小组",
    "supervision": "村务监督委员会",
    "representative": "村民代表",
    "leader": "村民小组长",
}
COMMUNITY_WORDS = {
    "residents": "居民",
    "place": "社区",
    "committee": "居民委员会",
    "group": "居民小组",
    "supervision": "居务监督委员会",
    "representative": "居民代表",
    "leader": "居民小组长",
}


def unit_words(kind: str) -> dict[str, str]:
    """村民/村/村民委员会/村民小组 for a village, 居民/社区/居民委员会/居民小组 for a community."""
    return COMMUNITY_WORDS if kind == "community" else VILLAGE_WORDS


def person_name(user) -> str:
    """The account's full name; the login only for an account that has none."""
    if not user:
        return ""
    return user.get_full_name() or user.username


def person_label(user) -> str:
    """Name and role, as a list of who did what shows a user."""
    if not user:
        return ""
    profile = getattr(user, "profile", None)  # None for an account without one
    role = profile.get_role_display() if profile else ("系统管理员" if user.is_superuser else "")
    return f"{person_name(user)}（{role}）" if role else person_name(user)


def labels_by_id(ids) -> dict[int, str]:
    """person_label for each user id, in one query."""
    users = get_user_model().objects.filter(pk__in=[i for i in ids if i]).select_related("profile")
    return {u.pk: person_label(u) for u in users}


def labels_by_login(logins) -> dict[str, str]:
    """person_label for each login that belongs to an account, in one query."""
    users = get_user_model().objects.filter(username__in=[x for x in logins if x])
    return {u.username: person_label(u) for u in users.select_related("profile")}
