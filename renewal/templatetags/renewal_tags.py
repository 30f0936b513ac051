from django import template

from renewal.kit.confirmation import ask_for

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


@register.simple_tag
def confirm_text(key, obj) -> str:
    """The question a form asks before an action that cannot simply be taken back, in the words
    its view's confirmation page uses (see renewal/kit/confirmation.py)."""
    return ask_for(key, obj).text
