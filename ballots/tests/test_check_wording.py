"""A rule is worded for the ballot it checks: a villagers' ballot has no 反对 / 弃权, so its
messages do not speak of them; the wording per kind is catalogue data like the rest."""

import pytest

from ballots.check_catalogue import CHECKS, TallyRefused, in_force, load_tally_checks
from ballots.models import TallyCheck
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    boxes_with_staff,
    enter,
    make_election,
    nominate_all,
)

pytestmark = pytest.mark.django_db


def test_f102_is_worded_per_ballot_kind():
    congress_text = in_force()["F.102"][1]
    villagers_text = in_force("villagers")["F.102"][1]
    assert "反对" in congress_text and "弃权" in congress_text
    assert "反对" not in villagers_text and "弃权" not in villagers_text
    # Rules worded alike for both ballots keep one text.
    assert in_force("villagers")["F.103"] == in_force()["F.103"]


def test_no_villagers_wording_of_any_rule_mentions_choices_the_ballot_lacks():
    for code, (_severity, text) in in_force("villagers").items():
        applies = next(c["applies_to"] for c in CHECKS if c["code"] == code)
        if applies != "congress":
            assert "反对" not in text and "弃权" not in text, code


def test_villagers_box_refused_by_f102_speaks_of_votes_only(world, personas):
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _mobile = boxes_with_staff(election, people)
    votes = {**MAIN_VOTES, "director": {"王建国": 60, "李秀英": 10}}
    with pytest.raises(TallyRefused) as refused:
        enter(main, personas["staff_a"], 50, votes)
    f102 = [f for f in refused.value.findings if f.code == "F.102"]
    assert f102 and f102[0].text == "主任王建国得票（60）多于有效票（50）"


def test_the_list_shows_both_wordings(client, personas):
    client.force_login(personas["staff_a"])
    page = client.get("/tally-checks/").content.decode()
    assert "党员大会：某人得票（含反对、弃权，合计 N）多于有效票（N）" in page
    assert "村(居)委会选举：某人得票（N）多于有效票（N）" in page


def test_an_edited_villagers_wording_must_keep_its_placeholders():
    row = TallyCheck.objects.get(code="F.102")
    row.villagers_text = "{name}的票数 {votes} 超过有效票 {valid}"
    row.full_clean()
    row.save()
    assert in_force("villagers")["F.102"][1] == "{name}的票数 {votes} 超过有效票 {valid}"
    row.villagers_text = "{name}票数太多"
    with pytest.raises(Exception, match="填写位置"):
        row.full_clean()
    load_tally_checks(TallyCheck)
    shipped = next(c for c in CHECKS if c["code"] == "F.102")
    assert TallyCheck.objects.get(code="F.102").villagers_text == shipped["villagers_text"]
