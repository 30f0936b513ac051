"""Each entry chain's owner keeps its head (the last entry's hash and the count), so the
deletion of the last entry, which leaves the remaining entries linked, is still found."""

import pytest
from django.db import connection
from django.urls import reverse

from ballots.congress import services as bs
from ballots.models import EntryChainHead, VillagersTallyEntry
from ballots.tests.test_congress import NAMES, P, attend, congress, enter, totals  # noqa: F401
from ballots.tests.test_seal import FIGURES, chain_command, counted_round
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    boxes_with_staff,
    counted_election,
    make_election,
    nominate_all,
)
from ballots.tests.villagers_vote_helpers import enter as enter_box
from ballots.villagers import entry_chain

pytestmark = pytest.mark.django_db


def delete_row(table: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [pk])


def test_each_append_moves_the_head_on(world, personas):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, mobile = boxes_with_staff(election, people)
    enter_box(main, personas["staff_a"], 50, MAIN_VOTES)
    enter_box(mobile, personas["staff_a"], 10, {})
    last = VillagersTallyEntry.objects.filter(election=election).order_by("id").last()
    head = EntryChainHead.objects.get(villagers_election=election)
    assert (head.head_hash, head.length) == (last.entry_hash, 2)


def test_villagers_last_entry_deleted_is_reported(client, world, personas):
    election, _people = counted_election(world, personas["staff_a"])
    entries = VillagersTallyEntry.objects.filter(election=election).order_by("entered_at", "id")
    count = entries.count()
    assert chain_command("--villagers-election", str(election.pk))[0] == 0

    delete_row("ballots_villagerstallyentry", entries.last().pk)

    code, output = chain_command("--villagers-election", str(election.pk))
    assert code == 1
    assert f"记录链末尾的录入缺失：应有 {count} 条，现存 {count - 1} 条" in output
    assert "最后的录入在保存后被删除或替换过" in output
    rnd = election.vote_rounds.order_by("number").first()
    client.force_login(personas["reviewer"])
    page = client.get(reverse("villagers:round-detail", args=[rnd.pk])).content.decode()
    assert "记录链末尾的录入缺失" in page


def test_villagers_only_entry_deleted_is_still_checked(world, personas):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _mobile = boxes_with_staff(election, people)
    enter_box(main, personas["staff_a"], 50, MAIN_VOTES)
    only = VillagersTallyEntry.objects.get(election=election)

    delete_row("ballots_villagerstallyentry", only.pk)

    code, output = chain_command()
    assert code == 1 and "应有 1 条，现存 0 条" in output
    assert not entry_chain.election_chain(election).intact


def test_an_entry_after_a_deleted_one_does_not_hide_the_deletion(world, personas):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _mobile = boxes_with_staff(election, people)
    enter_box(main, personas["staff_a"], 50, MAIN_VOTES)
    enter_box(main, personas["staff_a"], 51, MAIN_VOTES, invalid=1)
    delete_row("ballots_villagerstallyentry", election.tally_entries.order_by("id").last().pk)
    main.refresh_from_db()
    # The next entry is chained to the deleted one (the head), not to the last one left.
    enter_box(main, personas["leader_a"], 51, MAIN_VOTES, invalid=1)
    assert entry_chain.election_chain(election).sentence == "记录链在第 2 条处断开"


def test_congress_agreed_double_entry_deleted_is_reported(congress, personas):  # noqa: F811
    rnd = counted_round(congress, personas, double_entry=True)
    assert bs.round_chain(rnd).intact
    # Two clerks typed the tally; only the agreed entry joined the chain.
    delete_row("ballots_tallyentry", rnd.entries.get().pk)

    code, output = chain_command("--round", str(rnd.pk))
    assert code == 1
    assert f"轮次编号 {rnd.pk}）：记录链末尾的录入缺失：应有 1 条，现存 0 条" in output


def test_congress_only_entry_deleted_is_reported(congress, personas):  # noqa: F811
    rnd = counted_round(congress, personas)
    delete_row("ballots_tallyentry", rnd.entries.get().pk)

    code, output = chain_command()
    assert code == 1 and "应有 1 条，现存 0 条" in output
    assert FIGURES  # the round was counted from these, now with no entry behind them


def test_congress_entries_and_head_both_deleted_are_reported(congress, personas):  # noqa: F811
    rnd = counted_round(congress, personas)
    delete_row("ballots_tallyentry", rnd.entries.get().pk)
    delete_row("ballots_entrychainhead", EntryChainHead.objects.get(congress_round=rnd).pk)

    assert not bs.round_chain(rnd).intact
    code, output = chain_command("--round", str(rnd.pk))
    assert code == 1
    assert "已保存计票结果，但没有任何录入记录，最后的录入在保存后被删除或替换过" in output


def test_entered_boxes_whose_entries_and_head_are_gone_are_reported(world, personas):
    election, _people = counted_election(world, personas["staff_a"])
    for entry in VillagersTallyEntry.objects.filter(election=election):
        delete_row("ballots_villagerstallyentry", entry.pk)
    delete_row("ballots_entrychainhead", EntryChainHead.objects.get(villagers_election=election).pk)

    assert entry_chain.election_chain(election).counted_differs
    code, output = chain_command("--villagers-election", str(election.pk))
    assert code == 1 and "已保存计票结果，但没有任何录入记录" in output
