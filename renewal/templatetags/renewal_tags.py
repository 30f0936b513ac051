from django import template

from renewal.kit import people

register = template.Library()


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
