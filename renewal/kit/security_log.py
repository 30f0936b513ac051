"""The security log: one function every sign-in, lockout and second-factor step writes with."""

from renewal.models import SecurityEvent


def client_address(request) -> str | None:
    """The address Django saw (the trusted proxy's view, where one is configured)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind, *, request=None, user=None, username="", actor=None, **detail) -> SecurityEvent:
    """Write one event; `user` is the account concerned, `actor` whoever acted on it if not them."""
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        actor=actor,
        ip=client_address(request),
        detail=detail,
    )
