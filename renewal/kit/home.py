"""What the apps add to a user's home page (工作台), by role.

The home page belongs to the ground floor, but much of what a user must do next is
recorded by the apps above it (a vetting department's pending answers, say). An app
registers, in its AppConfig.ready(), a function ``(user, today) -> dict`` for a role; the
home view merges what the functions for the user's role return into its context.
"""

from collections.abc import Callable

HomeContext = Callable[[object, object], dict]
_sections: dict[str, list[HomeContext]] = {}


def register(role: str, section: HomeContext) -> None:
    sections = _sections.setdefault(role, [])
    if section not in sections:
        sections.append(section)


def context_for(role: str | None, user, today) -> dict:
    context: dict = {}
    for section in _sections.get(role or "", []):
        context.update(section(user, today))
    return context
