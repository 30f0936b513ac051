"""Tamper evidence for party congress rounds: the record hash and QR code on the result
report, checked against the record the app exports; and the chain of tally entries."""

import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from ballots.congress import services as bs
from ballots.record import grouped_hash, record_hash
from ballots.tests.test_congress import NAMES, P, attend, congress, enter, totals  # noqa: F401
from ballots.tests.test_recount_standalone import standalone

pytestmark = pytest.mark.django_db

FIGURES = {"王建国": 9, "李秀英": 8, "张伟": 7, "刘洋": 6, "陈静": 6, "杨帆": 3}


def counted_round(congress, personas, *, double_entry=False):  # noqa: F811
    attend(congress, present=10)
    rnd = bs.round_open(
        congress=congress,
        kind="committee",
        seats=5,
        people=P(congress, *NAMES),
        double_entry=double_entry,
    )
    enter(rnd, personas["staff_a"], 10, totals(10, **FIGURES))
    if double_entry:
        enter(rnd, personas["leader_a"], 10, totals(10, **FIGURES))
    rnd.refresh_from_db()
    assert rnd.status == "counted"
    return rnd


def test_report_prints_the_hash_of_the_exported_record_and_recount_confirms_it(
    client,
    congress,  # noqa: F811
    personas,
    tmp_path,
):
    rnd = counted_round(congress, personas)
    client.force_login(personas["staff_a"])
    exported = client.get(reverse("ballots:round-record", args=[rnd.pk]))
    assert exported.status_code == 200
    digest = record_hash(json.loads(exported.content))

    response = client.get(reverse("ballots:congress-report-pdf", args=[congress.pk]))
    assert response.status_code == 200
    page = PdfReader(io.BytesIO(response.content)).pages[-1]
    text = page.extract_text()
    printed = re.findall(r"(?:[0-9a-f]{4} ){7}[0-9a-f]{4}", text)
    assert "".join(printed).replace(" ", "") == digest
    assert "附：选票记录校验码" in text
    assert len(page.images) == 1  # the QR code

    # The auditor's laptop: the downloaded file and the hash as read off the paper.
    path = tmp_path / "round.json"
    path.write_bytes(exported.content)
    done = standalone(str(path), "--verify", "--hash", " ".join(printed), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["elected"] == rnd.result["elected"]
    assert "校验码一致" in done.stderr

    page_html = client.get(reverse("ballots:round-detail", args=[rnd.pk])).content.decode()
    assert grouped_hash(digest) in page_html


def test_qr_code_encodes_the_round_and_the_hash(congress, personas):  # noqa: F811
    rnd = counted_round(congress, personas)
    digest, text = bs.round_seal(rnd)
    assert text == f"换届通选票记录|round=congress-round-{rnd.pk}|sha256={digest}"


def chain_command(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_ballot_chain", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_only_the_agreed_entry_of_a_double_entry_joins_the_chain(congress, personas):  # noqa: F811
    rnd = counted_round(congress, personas, double_entry=True)
    (agreed,) = rnd.entries.all()
    assert agreed.prev_hash == "" and re.fullmatch(r"[0-9a-f]{64}", agreed.entry_hash)
    assert agreed.entered_by == personas["leader_a"]
    assert list(rnd.drafts.values_list("status", flat=True)) == ["agreed", "agreed"]
    assert bs.round_chain(rnd).intact


def test_an_entry_changed_in_the_database_breaks_the_chain(client, congress, personas):  # noqa: F811
    rnd = counted_round(congress, personas, double_entry=True)
    first = rnd.entries.order_by("entered_at", "id").first()
    client.force_login(personas["reviewer"])
    url = reverse("ballots:round-detail", args=[rnd.pk])
    assert chain_command("--round", str(rnd.pk)) == (0, "共核对 1 条记录链，均完整。\n")
    assert "记录链完整" in client.get(url).content.decode()

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_tallyentry SET totals = jsonb_set(totals, '{for,杨帆}', '9') "
            "WHERE id = %s",
            [first.pk],
        )

    code, output = chain_command()
    assert code == 1
    assert f"轮次编号 {rnd.pk}）：记录链在第 1 条处断开" in output
    assert "1 条断开" in output
    assert "记录链在第 1 条处断开" in client.get(url).content.decode()


def test_unknown_round_is_named(db):
    code, output = chain_command("--round", "999999")
    assert code == 2 and "没有编号为 999999 的选举轮次" in output


def test_round_figures_changed_after_the_count_are_reported(client, congress, personas):  # noqa: F811
    rnd = counted_round(congress, personas)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ballots_electionround SET ballots_issued = 11 WHERE id = %s", [rnd.pk]
        )

    code, output = chain_command("--round", str(rnd.pk))
    assert code == 1
    assert "保存的计票数字与最后一条录入不一致" in output
    assert "录入后被改动过" in output


def test_the_seal_is_of_the_round_as_counted_not_as_the_rules_read_today(
    congress,  # noqa: F811
    personas,
    tmp_path,
):
    from ballots.models import CountingRuleSet

    rnd = counted_round(congress, personas)
    sealed, _text = bs.round_seal(rnd)
    # The county edits its rule set after the count: the printed seal still holds.
    CountingRuleSet.objects.create(
        county=congress.unit.county,
        effective_from=congress.held_on,
        quorum="none",
        majority_base="expected",
        source="县委组织部后来改订的规则",
    )
    rnd.refresh_from_db()
    assert bs.round_seal(rnd)[0] == sealed
    assert bs.round_record_json(rnd)["rules"]["quorum"] == rnd.rules["quorum"] != "none"
    # A result changed in the database is exported as stored, and the recount disagrees.
    rnd.result = {**rnd.result, "elected": rnd.result["elected"][:-1]}
    path = tmp_path / "round.json"
    path.write_text(json.dumps(bs.round_record_json(rnd), ensure_ascii=False), encoding="utf-8")
    done = standalone(str(path), "--verify", cwd=tmp_path)
    assert done.returncode != 0
