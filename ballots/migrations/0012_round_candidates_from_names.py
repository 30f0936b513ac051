"""Rounds counted before their candidates were rows: link each printed name to the person
it stood for (the unit's formal candidacy, else its one roster member of that name), and
record the names written in; a name that cannot be told apart stays to be resolved."""

from django.db import migrations


def link(apps, schema_editor):
    ElectionRound = apps.get_model("ballots", "ElectionRound")
    RoundCandidate = apps.get_model("ballots", "RoundCandidate")
    Candidacy = apps.get_model("candidates", "Candidacy")
    PartyMember = apps.get_model("renewal", "PartyMember")
    for rnd in ElectionRound.objects.select_related("congress").iterator():
        if RoundCandidate.objects.filter(round=rnd).exists():
            continue
        congress = rnd.congress
        elected = set((rnd.result or {}).get("elected", []))
        written = set()
        for source in ("for", "against", "abstain"):
            written |= set(((rnd.totals or {}).get(source) or {}).keys())
        for ballot in rnd.ballots or []:
            written |= set(ballot.get("write_in", []))
        for order, name in enumerate(rnd.candidates or []):
            formal = list(
                Candidacy.objects.filter(
                    round_id=congress.round_id,
                    unit_id=congress.unit_id,
                    body="party",
                    status="formal",
                    person__name=name,
                )
            )
            candidacy = formal[0] if len(formal) == 1 else None
            person_id = candidacy.person_id if candidacy else None
            if person_id is None:
                members = list(
                    PartyMember.objects.filter(
                        branch__unit_id=congress.unit_id, person__name=name
                    ).values_list("person_id", flat=True)
                )
                person_id = members[0] if len(members) == 1 else None
            RoundCandidate.objects.create(
                round=rnd,
                person_id=person_id,
                candidacy=candidacy,
                name=name,
                order=order,
                write_in=person_id is None,
                elected=name in elected,
            )
        for name in sorted(written - set(rnd.candidates or [])):
            RoundCandidate.objects.create(
                round=rnd, name=name, order=999, write_in=True, elected=name in elected
            )


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0011_round_candidates"),
        ("candidates", "0006_candidacy_outcome"),
        ("renewal", "0013_party_member_entitlement_dates"),
    ]
    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
