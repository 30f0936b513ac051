from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key) if hasattr(mapping, "get") else key


@register.filter
def user_name(user) -> str:
    """A user as people call them: the account's full name (the login only as a last resort)."""
    if not user:
        return ""
    return user.get_full_name() or user.username
