from django.conf import settings


def role(request):
    user = getattr(request, "user", None)
    profile = getattr(user, "profile", None) if user and user.is_authenticated else None
    return {"profile": profile}


def idle_timeout(request):
    """The idle timeout and its warning, for static/js/idle.js (data- attributes on <body>)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from renewal.kit import idle

    return {
        "idle_seconds": settings.SESSION_IDLE_SECONDS,
        "idle_left_seconds": idle.seconds_left(request),
        "idle_slack_seconds": int(idle.slack(settings.SESSION_IDLE_SECONDS)),
        "idle_warning_seconds": settings.SESSION_IDLE_WARNING_SECONDS,
    }


def navigation(request):
    """The main menu for templates/base.html (renewal.navigation), the page's item marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from renewal.navigation import menu_for

    profile = getattr(user, "profile", None)
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    return {"menu": menu_for(user, profile.role if profile else "", view_name)}
