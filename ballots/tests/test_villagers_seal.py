"""The villagers' election's chain of tally entries: every box count is kept as entered and
linked to the one before; a count changed afterwards is reported."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from ballots.models import VillagersTallyEntry
from ballots.record import grouped_hash, record_hash
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    boxes_with_staff,
    counted_election,
    enter,
    make_election,
    nominate_all,
)
from ballots.villagers import entry_chain
from ballots.villagers import vote as vv

pytestmark = pytest.mark.django_db


def chain_command(*args):
    out = io.StringIO()
    try:
        call_command("check_ballot_chain", *args, stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_box_counts_are_chained_and_a_re_entry_adds_an_entry(world, personas):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, mobile = boxes_with_staff(election, people)
    enter(main, personas["staff_a"], 50, MAIN_VOTES)
    enter(mobile, personas["staff_a"], 10, {})
    enter(main, personas["leader_a"], 51, MAIN_VOTES, invalid=1)

    entries = list(VillagersTallyEntry.objects.filter(election=election).order_by("id"))
    assert [e.box_id for e in entries] == [main.pk, mobile.pk, main.pk]
    assert [e.prev_hash for e in entries] == ["", entries[0].entry_hash, entries[1].entry_hash]
    assert entries[2].figures["ballots_invalid"] == 1
    assert entry_chain.election_chain(election).sentence == "记录链完整"


def test_a_box_count_changed_in_the_database_is_reported(client, world, personas):
    election, _people = counted_election(world, personas["staff_a"])
    rnd = election.vote_rounds.order_by("number").first()
    url = reverse("villagers:round-detail", args=[rnd.pk])
    client.force_login(personas["reviewer"])
    page = client.get(url).content.decode()
    assert "记录链完整" in page
    assert grouped_hash(record_hash(vv.round_record_json(rnd))) in page
    assert chain_command("--villagers-election", str(election.pk))[0] == 0

    # The stored count of a box changed by hand: its latest entry no longer matches.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_ballotbox SET ballots_invalid = 3 WHERE election_id = %s "
            "AND kind = 'main'",
            [election.pk],
        )
    code, output = chain_command()
    assert code == 1 and f"选举编号 {election.pk}）：记录链完整，但保存的计票数字" in output
    assert "保存的计票数字与最后一条录入不一致" in client.get(url).content.decode()

    # The entry itself changed: the chain breaks at that entry.
    first = VillagersTallyEntry.objects.filter(election=election).order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_villagerstallyentry SET figures = jsonb_set(figures, "
            "'{ballots_invalid}', '3') WHERE id = %s",
            [first.pk],
        )
    code, output = chain_command("--villagers-election", str(election.pk))
    assert code == 1 and "记录链在第 1 条处断开" in output
    assert "记录链在第 1 条处断开" in client.get(url).content.decode()
