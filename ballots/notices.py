"""The archive of published 公告 and 公示: every generation is a new version of its number,
kept with the PDF, its SHA-256, who generated it and when. Shared by the villagers'
election committee's numbered 公告 and the party organisation's 公示; the caller checks
what may be published and holds the lock on its election."""

import datetime
import hashlib

from django.db.models import Max

from ballots.models import ElectionNotice


def notice_archive(
    *,
    actor,
    owner: dict,
    number: int,
    step: str,
    title: str,
    issued_on: datetime.date,
    pdf: bytes,
) -> ElectionNotice:
    """Store ``pdf`` as the next version of notice ``number``; ``owner`` is
    ``{"villagers_election": e}`` or ``{"congress": c}`` (locked by the caller)."""
    last = ElectionNotice.objects.filter(**owner, number=number).aggregate(v=Max("version"))["v"]
    return ElectionNotice.objects.create(
        **owner,
        number=number,
        step=step,
        title=title,
        version=(last or 0) + 1,
        issued_on=issued_on,
        content=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        generated_by=actor,
    )


def versions_by_number(notices) -> dict[int, list[ElectionNotice]]:
    """Versions of each number, newest first (without loading the PDFs)."""
    out: dict[int, list[ElectionNotice]] = {}
    for n in (
        notices.defer("content")
        .select_related("generated_by__profile")
        .order_by("number", "-version")
    ):
        out.setdefault(n.number, []).append(n)
    return out
