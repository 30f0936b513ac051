"""`make bench`, ballots part: ``manage.py recount`` of a big ballot file, and a congress
entered and counted through the pages.

Run by bin/bench.py (``--only ballots``):
- ``recount``: a ballot-record/1 file with N ballots given one by one (party committee,
  7 seats, 9 candidates; blank, invalid and write-in ballots among them; the stored
  result computed with ``ballots.counting``) is recounted by ``manage.py recount FILE``
  and ``--verify`` in child processes (DEBUG=1 for the dev keys; the command needs no
  database); wall time and peak RSS per run (``os.wait4``). A 50-ballot file shows the
  fixed cost of starting Django.
- ``congress`` (child process ``bin/bench_ballots.py congress --result FILE``): as the
  township staff ``chengguan``, with ``django.test.Client``, for a 城关镇 unit whose
  branch roster is topped up to 100 members: create the congress, open and post the
  attendance for everyone, open the congress page, create a committee round, open and
  post the paper count, open the result. Each repetition starts from no congress (the
  unit's congress of the active round is deleted before, and after the last one).
"""

import argparse
import datetime
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)

STAFF = "chengguan"  # 城关镇 township staff
SEATS = 7
CANDIDATES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵志红", "孙海燕", "周晓东"]
WRITE_INS = ["郭春梅", "马永刚", "罗淑珍", "梁文斌", "宋玉兰", "郑宏伟"]
# Share of voters marking 赞成 for each candidate, in the order above.
APPROVAL = [0.93, 0.9, 0.86, 0.82, 0.78, 0.72, 0.66, 0.42, 0.3]
PAGE_REFERENCE_MS = 150.0  # the unit list's budget, shown for reference only
ROSTER_REGIONS = ("150221", "150222")
ROSTER_SEQS = range(91, 100)  # the import file uses 11, 40 and 69: no clash
STEPS = [
    ("create", "建立大会", "POST /units/<pk>/congress/new/", 302),
    ("attendance_get", "打开到会登记页", "GET /congresses/<pk>/attendance/", 200),
    ("attendance_post", "提交到会情况", "POST /congresses/<pk>/attendance/", 302),
    ("detail", "打开大会页", "GET /congresses/<pk>/", 200),
    ("round_create", "建立委员会选举轮次", "POST /congresses/<pk>/rounds/", 302),
    ("round_get", "打开计票录入页", "GET /congress-rounds/<pk>/", 200),
    ("totals_post", "提交计票汇总（计票）", "POST /congress-rounds/<pk>/", 302),
    ("result", "打开计票结果页", "GET /congress-rounds/<pk>/", 200),
]


def log(message: str = "") -> None:
    print(message, flush=True)


def rss_now() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- The ballot file ----------------------------------------------------------------------------


def make_ballots(count: int, seed: str = "bench-ballots") -> list[dict]:
    rng = random.Random(seed)
    ballots = []
    for _ in range(count):
        r = rng.random()
        ballot = {"for": [], "against": [], "abstain": [], "write_in": []}
        if r < 0.01:
            ballots.append(ballot)  # blank: valid, no votes
            continue
        if r < 0.025:
            # Too many 赞成 (with a write-in on some): invalid.
            ballot["for"] = rng.sample(CANDIDATES, SEATS + (0 if r < 0.018 else 1))
            if r < 0.018:
                ballot["write_in"] = [rng.choice(WRITE_INS)]
            ballots.append(ballot)
            continue
        for name, p in zip(CANDIDATES, APPROVAL, strict=True):
            u = rng.random()
            if u < p:
                ballot["for"].append(name)
            elif u < p + (1 - p) * 0.55:
                ballot["against"].append(name)
            elif u < p + (1 - p) * 0.85:
                ballot["abstain"].append(name)
        if rng.random() < 0.04:
            ballot["write_in"] = rng.sample(WRITE_INS, 1 if rng.random() < 0.8 else 2)
        # Most voters keep to the limit: they drop their least favoured 赞成.
        while len(ballot["for"]) + len(ballot["write_in"]) > SEATS and rng.random() < 0.97:
            ballot["abstain"].append(ballot["for"].pop())
        ballots.append(ballot)
    return ballots


def write_record(path: Path, count: int) -> dict:
    """Write a ballot-record/1 file with `count` ballots and its stored result."""
    from ballots.counting import count_round
    from ballots.record import parse_record, record_to_json_dict

    present = count + max(2, count // 80)
    data = {
        "format": "ballot-record/1",
        "election": "party-committee",
        "seats": SEATS,
        "expected": present + max(3, count // 50),
        "present": present,
        "ballots_issued": present,
        "candidates": CANDIDATES,
        "ballots": make_ballots(count),
    }
    record = parse_record(data)
    result = count_round(record)
    full = record_to_json_dict(record, result)
    # One ballot a line, like the files the app exports for reading.
    head = {k: v for k, v in full.items() if k != "ballots"}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    lines.append('  "ballots": [')
    body = [json.dumps(b, ensure_ascii=False) for b in full["ballots"]]
    lines.append(",\n".join(f"    {b}" for b in body))
    lines.append("  ]")
    lines.append("}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json.loads(path.read_text(encoding="utf-8"))  # well-formed
    invalid = result.ballots_invalid
    return {
        "ballots": count,
        "bytes": path.stat().st_size,
        "outcome": result.outcome.value,
        "elected": list(result.elected),
        "invalid": invalid,
        "blank": sum(1 for b in full["ballots"] if not any(b.values())),
        "write_in_ballots": sum(1 for b in full["ballots"] if b["write_in"]),
        "present": present,
        "expected": data["expected"],
    }


# --- The congress flow (child process) ------------------------------------------------------------


def bench_unit(user, members: int):
    """The 城关镇 unit (highest code) whose roster is no bigger than `members`."""
    from renewal.access import writable_townships
    from renewal.models import Unit

    for unit in (
        Unit.objects.filter(township__in=writable_townships(user), branch__isnull=False)
        .select_related("branch", "county")
        .order_by("-code")
    ):
        if unit.branch.members.count() <= members:
            return unit
    raise SystemExit(f"{STAFF} 可写的村(社区)中没有名册不超过 {members} 人的党组织。")


def top_up_roster(unit, members: int) -> dict:
    """Add full members (new people) until the branch has `members`; idempotent."""
    from renewal.kit import crypto
    from renewal.kit.idcard import make_id_number
    from renewal.models import PartyMember, Person

    branch = unit.branch
    have = branch.members.count()
    added = 0
    rng = random.Random(f"bench-congress-{unit.code}")
    n = 0
    while have + added < members:
        region = ROSTER_REGIONS[n % len(ROSTER_REGIONS)]
        seq = ROSTER_SEQS[(n // len(ROSTER_REGIONS)) % len(ROSTER_SEQS)]
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n * 37 % 10_950)
        n += 1
        sex = "M" if rng.random() < 0.7 else "F"
        number = make_id_number(region, born, seq, sex)
        digest = crypto.blind_index(number, purpose="id")
        if Person.objects.filter(id_number_hash=digest).exists():
            continue
        person = Person(
            name=rng.choice("王李张刘陈杨赵黄周吴徐孙") + rng.choice("建国秀英伟洋静帆磊军敏丽强"),
            sex=sex,
            birth_date=born,
            education="senior",
            political_status=Person.PoliticalStatus.FULL_MEMBER,
            party_joined_on=datetime.date(born.year + 25, 7, 1),
        )
        person.set_id_number(number)
        person.set_phone(f"139{rng.randint(10_000_000, 99_999_999)}")
        person.save()
        PartyMember.objects.create(
            branch=branch,
            person=person,
            status=PartyMember.Status.FULL,
            joined_on=person.party_joined_on,
        )
        added += 1
    return {"before": have, "added": added, "members": branch.members.count()}


def delete_congress(unit) -> int:
    from django.db import transaction

    from ballots.models import Congress

    deleted = 0
    with transaction.atomic():
        for congress in Congress.objects.filter(unit=unit):
            # Later rounds point at earlier ones (PROTECT): delete from the last.
            for rnd in congress.rounds.order_by("-number"):
                rnd.delete()
            congress.delete()
            deleted += 1
    return deleted


def formal_candidates(unit, user) -> list:
    """The unit's formal candidates for the committee: nine entitled members of the roster
    (made formal directly: the candidates' workflow is measured by its own benchmark)."""
    from django.utils import timezone

    from candidates.models import Candidacy
    from renewal.selectors import active_round

    rnd = active_round(unit.county_id)
    today = timezone.localdate()
    members = [
        m
        for m in unit.branch.members.select_related("person").order_by("joined_on", "id")
        if m.entitled_on(today)
    ]
    people = [m.person for m in members[: len(CANDIDATES)]]
    for person in people:
        Candidacy.objects.get_or_create(
            round=rnd,
            unit=unit,
            person=person,
            body="party",
            post="party_member",
            status="formal",
            defaults={"created_by": user},
        )
    scrutineers = [m.person for m in members[len(CANDIDATES) : len(CANDIDATES) + 2]]
    return people, scrutineers


def vote_plan(names: list[str], present: int) -> tuple[dict, int]:
    """The paper count for the round's candidates (in their printed order)."""
    invalid = 2
    valid = present - invalid
    shares = dict(zip(names, [0.95, 0.9, 0.86, 0.8, 0.74, 0.68, 0.6, 0.38, 0.25], strict=False))
    data = {
        "ballots_issued": present,
        "returned": present,
        "invalid": invalid,
        "wi-name-0": WRITE_INS[0],
        "wi-for-0": 3,
    }
    for i, name in enumerate(names):
        votes_for = int(valid * shares[name])
        against = int((valid - votes_for) * 0.6)
        data[f"for-{i}"] = votes_for
        data[f"against-{i}"] = against
        data[f"abstain-{i}"] = valid - votes_for - against
    return data, valid


def run_flow(client, unit, active_round, people, scrutineers, *, until=None) -> tuple[dict, dict]:
    """One congress from creation to the counted result: per-step numbers, and checks.

    ``until="round_create"`` stops once the round is created (its entry form still empty)."""
    from django.db import connection
    from django.utils import timezone

    from ballots.congress import services
    from ballots.models import Congress, ElectionRound

    out: dict[str, dict] = {}
    expected_status = {key: status for key, _l, _p, status in STEPS}

    def call(key, path, data=None):
        counter = bench.QueryCounter()
        with connection.execute_wrapper(counter):
            c0 = time.process_time()
            t0 = time.perf_counter()
            response = client.post(path, data) if data is not None else client.get(path)
            ms = (time.perf_counter() - t0) * 1000
            cpu = (time.process_time() - c0) * 1000
        out[key] = {
            "ms": ms,
            "cpu": cpu,
            "queries": counter.count,
            "db_ms": counter.ms,
            "status": response.status_code,
            "ok": response.status_code == expected_status[key],
            "kb": len(response.content) / 1024,
            "slowest_ms": counter.slowest[0],
            "slowest_sql": counter.slowest[1],
        }
        return response

    call(
        "create",
        f"/units/{unit.pk}/congress/new/",
        {"held_on": timezone.localdate().isoformat(), "place": "村委会会议室", "chair": "王书记"},
    )
    congress = Congress.objects.get(round=active_round, unit=unit)
    for person, role in zip(scrutineers, ("chief", "teller"), strict=True):
        services.scrutineer_add(congress=congress, person=person, role=role)
    call("attendance_get", f"/congresses/{congress.pk}/attendance/")
    rows = list(congress.attendance.order_by("id"))
    voting = [a for a in rows if a.can_vote]
    excluded, absent = voting[-2:], voting[:4]
    skip = {a.pk for a in excluded + absent}
    form = {"version": congress.version}
    for a in rows:
        if a.pk not in skip:
            form[f"present-{a.pk}"] = "on"
    for a in excluded:
        form[f"excluded-{a.pk}"] = "abroad"
        form[f"approved-{a.pk}"] = "镇党委组织委员张三"
    call("attendance_post", f"/congresses/{congress.pk}/attendance/", form)
    call("detail", f"/congresses/{congress.pk}/")
    call(
        "round_create",
        f"/congresses/{congress.pk}/rounds/",
        {
            "which": "committee",
            "committee-kind": "committee",
            "committee-seats": SEATS,
            "committee-people": [p.pk for p in people],
        },
    )
    rnd = congress.rounds.order_by("number").first()
    if rnd is None:
        return out, {"error": "轮次未建立"}
    if until == "round_create":
        return out, {"round": rnd, "congress": congress}
    call("round_get", f"/congress-rounds/{rnd.pk}/")
    present_voting = len(voting) - len(skip)
    totals, _valid = vote_plan(list(rnd.candidates), present_voting)
    call("totals_post", f"/congress-rounds/{rnd.pk}/", {"version": rnd.version, **totals})
    call("result", f"/congress-rounds/{rnd.pk}/")
    rnd.refresh_from_db()
    return out, {
        "roster": len(rows),
        "voting": len(voting),
        "present_voting": present_voting,
        "status": rnd.status,
        "counted": rnd.status == ElectionRound.Status.COUNTED,
        "outcome": (rnd.result or {}).get("outcome"),
        "elected": len((rnd.result or {}).get("elected", [])),
        "rounds": congress.rounds.count(),
    }


def step_congress(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from renewal.selectors import active_round

    user = get_user_model().objects.get(username=STAFF)
    unit = bench_unit(user, args.members)
    roster = top_up_roster(unit, args.members)
    rnd = active_round(unit.county_id)
    people, scrutineers = formal_candidates(unit, user)
    client = Client()
    client.force_login(user)
    baseline = rss_now()
    runs, checks, failures = [], [], []
    for rep in range(args.warmup + args.reps):
        delete_congress(unit)
        steps, check = run_flow(client, unit, rnd, people, scrutineers)
        bad = [f"{k}: HTTP {v['status']}" for k, v in steps.items() if not v["ok"]]
        if len(steps) != len(STEPS):
            bad.append(check.get("error", "流程未走完"))
        if not check.get("counted"):
            bad.append(f"轮次状态 {check.get('status')}（应为 counted）")
        if bad:
            failures.append(f"第 {rep + 1} 次：" + "；".join(bad))
        if rep >= args.warmup:
            runs.append(steps)
            checks.append(check)
    delete_congress(unit)
    return {
        "unit": {"pk": unit.pk, "code": unit.code, "name": unit.name},
        "roster": roster,
        "runs": runs,
        "checks": checks,
        "failures": failures,
        "baseline_mb": baseline,
        "peak_mb": rss_now(),
    }


def child_main() -> int:
    parser = argparse.ArgumentParser(
        description="选票基准测试的子进程步骤（由 bin/bench.py 调用）。"
    )
    parser.add_argument("step", choices=["congress"])
    parser.add_argument("--result", required=True)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    bench.child_setup()
    result = step_congress(args)
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


# --- Orchestration (in bin/bench.py's process) -----------------------------------------------------


def recount_runs(path: Path, reps: int, *, small: Path, failures: list[str]) -> dict:
    """Interleaved runs of recount, recount --verify and the small file; per-kind numbers."""
    kinds = {
        "plain": ["recount", str(path)],
        "verify": ["recount", "--verify", str(path)],
        "small": ["recount", str(small)],
    }
    out = {k: {"wall": [], "rss": [], "cpu": []} for k in kinds}
    manage = [sys.executable, str(bench.ROOT / "manage.py")]
    out_path = bench.BENCH_VAR / "recount.out"
    err_path = bench.BENCH_VAR / "recount.err"
    for rep in range(1, reps + 1):
        for kind, cmd in kinds.items():
            with out_path.open("wb") as out_f, err_path.open("wb") as err_f:
                rc, wall, rss, cpu = bench.run_child([*manage, *cmd], stdout=out_f, stderr=err_f)
            stdout = out_path.read_text(encoding="utf-8", errors="replace")
            stderr = err_path.read_text(encoding="utf-8", errors="replace")
            if rc != 0:
                failures.append(f"选票：recount（{kind}）退出码 {rc}：{stderr.strip()[-200:]}")
                continue
            try:
                result = json.loads(stdout)
            except json.JSONDecodeError:
                failures.append(f"选票：recount（{kind}）输出不是 JSON")
                continue
            if kind == "verify" and "核对一致" not in stderr:
                failures.append("选票：recount --verify 未报告“核对一致”")
            out[kind]["wall"].append(wall)
            out[kind]["rss"].append(rss)
            out[kind]["cpu"].append(cpu)
            out[kind]["outcome"] = result.get("outcome")
            out[kind]["elected"] = len(result.get("elected", []))
        log(
            f"  recount 第 {rep}/{reps} 轮："
            + "，".join(
                f"{k} {v['wall'][-1]:.2f} 秒（CPU {v['cpu'][-1]:.2f}）/ {v['rss'][-1]:.0f} MB"
                for k, v in out.items()
                if v["wall"]
            )
        )
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return out


def run_section(args, ctx) -> tuple[str, list[str]]:
    failures: list[str] = []
    load_before = bench.loadavg()
    path = bench.BENCH_VAR / f"ballot-record-{args.ballots}.json"
    small = bench.BENCH_VAR / "ballot-record-50.json"
    log(f"\n[选票] 生成 {args.ballots} 张选票的选票记录 {path.name} …")
    record = write_record(path, args.ballots)
    small_record = write_record(small, 50)
    log(
        f"  {record['bytes'] / 1024:.0f} KB；废票 {record['invalid']}，空白票 {record['blank']}，"
        f"含另选他人 {record['write_in_ballots']}；结果 {record['outcome']}，"
        f"当选 {len(record['elected'])} 名"
    )
    log(f"  recount：每种方式 {args.recount_reps} 次（子进程，DEBUG=1）…")
    recount = recount_runs(path, args.recount_reps, small=small, failures=failures)
    for kind in ("plain", "verify"):
        if recount[kind].get("outcome") not in (None, record["outcome"]):
            failures.append(f"选票：recount（{kind}）结果 {recount[kind].get('outcome')}")

    log(
        f"  党员大会流程：{args.members} 人名册，预热 {args.congress_warmup} 次、"
        f"计时 {args.congress_reps} 次（子进程）…"
    )
    congress = bench.run_step(
        str(Path(__file__).resolve()),
        "congress",
        [
            "--members",
            str(args.members),
            "--reps",
            str(args.congress_reps),
            "--warmup",
            str(args.congress_warmup),
        ],
    )
    steps = []
    if congress is None:
        failures.append("选票：党员大会流程子进程失败")
    else:
        failures += [f"选票：党员大会 {f}" for f in congress["failures"]]
        steps = summarize_steps(congress["runs"])
        for s in steps:
            log(
                f"    {s['label']}：中位 {s['median']:.1f} ms，p95 {s['p95']:.1f} ms，"
                f"CPU {s['cpu']:.1f} ms，查询 {_fmt_queries(s)} 条"
            )
    text = render(
        args=args,
        ctx=ctx,
        record=record,
        small_record=small_record,
        recount=recount,
        congress=congress,
        steps=steps,
        load=f"{load_before} → {bench.loadavg()}",
        failures=failures,
    )
    return text, failures


def summarize_steps(runs: list[dict]) -> list[dict]:
    out = []
    for key, label, request, expected in STEPS:
        values = [r[key] for r in runs if key in r]
        if not values:
            continue
        ms = [v["ms"] for v in values]
        queries = [v["queries"] for v in values]
        slowest = max(values, key=lambda v: v["slowest_ms"])
        out.append(
            {
                "key": key,
                "label": label,
                "request": request,
                "expected": expected,
                "median": statistics.median(ms),
                "p95": bench.percentile(ms, 95),
                "max": max(ms),
                "queries": statistics.median(queries),
                "queries_stable": len(set(queries)) == 1,
                "db_ms": statistics.median(v["db_ms"] for v in values),
                "cpu": statistics.median(v["cpu"] for v in values),
                "kb": statistics.median(v["kb"] for v in values),
                "statuses": sorted({v["status"] for v in values}),
                "slowest_ms": slowest["slowest_ms"],
                "slowest_sql": slowest["slowest_sql"],
            }
        )
    return out


def _fmt_queries(step) -> str:
    q = step["queries"]
    text = f"{q:.0f}" if float(q).is_integer() else f"{q:.1f}"
    return text + ("" if step["queries_stable"] else "（不稳定）")


def render(*, args, ctx, record, small_record, recount, congress, steps, load, failures) -> str:
    lines = [
        f"## {bench.SECTION_TITLES['ballots']}",
        "",
        "### 方法",
        "",
        f"- **recount**：生成一个逐张记录的 ballot-record/1 文件（党组织委员会，应选 {SEATS} 名，"
        f"候选人 {len(CANDIDATES)} 名，{record['ballots']} 张选票；约 1% 空白票、约 1.5% 因赞成超过应选人数"
        "（部分含另选他人）而作废、约 4% 填写另选他人；固定种子），文件中的 `result` 由 `ballots.counting` "
        "算出以供 `--verify` 核对。在子进程中运行 `manage.py recount FILE` 与 `recount --verify FILE`"
        "（环境变量 `DEBUG=1` 以取得开发密钥；该命令不连数据库），与 50 张选票的小文件交替运行"
        f"各 {args.recount_reps} 次，报告墙钟时间（含 Python 与 Django 启动）的中位数/最大值"
        "与子进程峰值 RSS（`os.wait4` 的 `ru_maxrss`）。",
        f"- **党员大会**：以城关镇工作人员 `{STAFF}` 身份用 `django.test.Client`（`force_login`）"
        f"在子进程中按页面走完一次党员大会：名册 {args.members} 人（城关镇一个村(社区)的党组织，"
        "不足部分补充为正式党员，补充的人员保留复用），建立大会 → 打开并提交到会登记"
        "（2 人经批准不计入应到、4 人缺席，其余到会）→ 打开大会页 → 建立委员会选举轮次"
        f"（应选 {SEATS} 名、{len(CANDIDATES)} 名候选人，单人录入）→ 打开并提交计票汇总"
        "（2 张废票、1 名另选他人）→ 打开结果页。",
        f"- 每次都从“该村(社区)本轮没有党员大会”开始（运行前删除其大会及轮次，结束后也删除）；"
        f"先预热 {args.congress_warmup} 次，再计时 {args.congress_reps} 次，"
        "每步报告服务器时间（`perf_counter` 包住 `client.get/post`）的中位数、p95、最大值，"
        "以及查询数与 SQL 耗时（`connection.execute_wrapper` 计数，不保存 SQL，开销可忽略）。"
        "每次都检查状态码（POST 302、GET 200）以及轮次最终为 `counted`。",
        f"- {bench.RSS_NOTE}",
        "- 预算：议题未给这两项定预算。页面一栏按村(社区)列表页的 p95 < 150 ms 标注，**仅供参考**。",
        "",
        "### 环境",
        "",
        *bench.environment_lines(ctx, load),
        "",
        "### 结果：recount",
        "",
        f"- 文件：{record['ballots']} 张选票，{record['bytes'] / 1024:.0f} KB；"
        f"应到 {record['expected']}、实到 {record['present']}；废票 {record['invalid']} 张，"
        f"空白票 {record['blank']} 张，含另选他人 {record['write_in_ballots']} 张；"
        f"结果 `{record['outcome']}`，当选 {len(record['elected'])} 名。",
        "",
        "| 命令 | 选票数 | 次数 | 中位 s | 最小 s | 最大 s | CPU 中位 s | 峰值 RSS MB |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    rows = [
        ("plain", f"`recount var/bench/ballot-record-{args.ballots}.json`", record["ballots"]),
        ("verify", "`recount --verify …`", record["ballots"]),
        ("small", "对照：`recount` 50 张的小文件", small_record["ballots"]),
    ]
    for kind, label, n in rows:
        r = recount[kind]
        if not r["wall"]:
            lines.append(f"| {label} | {n} | 0 | — | — | — | — | — |")
            continue
        lines.append(
            f"| {label} | {n} | {len(r['wall'])} | {statistics.median(r['wall']):.2f} "
            f"| {min(r['wall']):.2f} | {max(r['wall']):.2f} | {statistics.median(r['cpu']):.2f} "
            f"| {max(r['rss']):.0f} |"
        )
    if recount["plain"]["cpu"] and recount["small"]["cpu"]:
        extra = statistics.median(recount["plain"]["cpu"]) - statistics.median(
            recount["small"]["cpu"]
        )
        lines += [
            "",
            "- 墙钟时间受同机负载影响大；CPU 时间（子进程 user + sys）更稳定。"
            f"两者 CPU 中位数相减，读入、校验并计 {record['ballots']} 张选票约 {max(extra, 0):.2f} 秒，"
            "其余是 Python 与 Django 启动、命令本身的固定开销。",
        ]
    lines += ["", "### 结果：党员大会（页面）", ""]
    if congress is not None and steps:
        roster = congress["roster"]
        check = congress["checks"][-1] if congress["checks"] else {}
        lines += [
            f"- 村(社区)：{congress['unit']['name']}（{congress['unit']['code']}）；名册 "
            f"{roster['members']} 人（运行前 {roster['before']} 人"
            + (f"，本次补充 {roster['added']} 人" if roster["added"] else "")
            + f"），有表决权 {check.get('voting', '—')} 人，有表决权到会 {check.get('present_voting', '—')} 人；"
            f"计票结果 `{check.get('outcome')}`，当选 {check.get('elected')} 名，轮次状态 `{check.get('status')}`。",
            f"- 子进程峰值 RSS {congress['peak_mb']:.0f} MB（基线 {congress['baseline_mb']:.0f} MB）。",
            "",
            "| 步骤 | 请求 | 状态码 | 中位 ms | p95 ms | 最大 ms | CPU 中位 ms | 查询数 "
            f"| SQL ms（中位） | 响应 KB | 参考 (p95 < {PAGE_REFERENCE_MS:.0f} ms) |",
            "|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        total_median = 0.0
        for s in steps:
            total_median += s["median"]
            verdict = "✅" if s["p95"] < PAGE_REFERENCE_MS else "⚠️ 超出"
            status_ok = s["statuses"] == [s["expected"]]
            lines.append(
                f"| {s['label']} | `{s['request']}` | "
                f"{'/'.join(map(str, s['statuses']))}{'' if status_ok else ' ❌'} "
                f"| {s['median']:.1f} | {s['p95']:.1f} | {s['max']:.1f} | {s['cpu']:.1f} "
                f"| {_fmt_queries(s)} "
                f"| {s['db_ms']:.1f} | {s['kb']:.0f} | {verdict} |"
            )
        lines += [
            "",
            f"- 一次完整流程（8 步）服务器时间中位数之和约 {total_median:.0f} ms。",
            "",
            "#### 各步骤最慢的一条 SQL（所有计时中）",
            "",
            "| 步骤 | 耗时 ms | SQL（截断） |",
            "|---|--:|---|",
        ]
        for s in steps:
            lines.append(
                f"| {s['key']} | {s['slowest_ms']:.1f} | {bench.sql_cell(s['slowest_sql'])} |"
            )
    else:
        lines.append("**未完成**（见失败列表）。")
    lines += ["", "### 结论", ""]
    lines += conclusions(record, recount, steps)
    if failures:
        lines += ["", "**失败：**", ""] + [f"- {f}" for f in failures]
    lines.append("")
    return "\n".join(lines)


def conclusions(record, recount, steps) -> list[str]:
    out = []
    plain, verify = recount["plain"], recount["verify"]
    if plain["wall"]:
        verify_text = (
            f"（`--verify` {statistics.median(verify['wall']):.2f} 秒）" if verify["wall"] else ""
        )
        out.append(
            f"- `recount` {record['ballots']} 张逐张选票：墙钟中位 "
            f"{statistics.median(plain['wall']):.2f} 秒{verify_text}，CPU 中位 "
            f"{statistics.median(plain['cpu']):.2f} 秒，峰值 RSS "
            f"{max(plain['rss'] + verify['rss']):.0f} MB；时间几乎都是启动开销。议题未定预算。"
        )
    if steps:
        over = [s for s in steps if s["p95"] >= PAGE_REFERENCE_MS]
        if over:
            out.append(
                "- 党员大会各步骤中 p95 超过 150 ms 参考线的："
                + "、".join(
                    f"{s['label']}（p95 {s['p95']:.0f} ms，{_fmt_queries(s)} 条查询）" for s in over
                )
                + "。"
            )
        else:
            out.append("- 党员大会各步骤 p95 均低于 150 ms 参考线。")
        slowest = max(steps, key=lambda s: s["median"])
        out.append(
            f"- 最慢的一步是{slowest['label']}：中位 {slowest['median']:.0f} ms，"
            f"其中本进程 CPU {slowest['cpu']:.0f} ms、SQL {slowest['db_ms']:.0f} ms"
            f"（{_fmt_queries(slowest)} 条查询）——时间主要花在 Python 侧，不在数据库。"
            if slowest["cpu"] > slowest["db_ms"] * 2
            else f"- 最慢的一步是{slowest['label']}：中位 {slowest['median']:.0f} ms，"
            f"其中本进程 CPU {slowest['cpu']:.0f} ms、SQL {slowest['db_ms']:.0f} ms。"
        )
        unstable = [s["label"] for s in steps if not s["queries_stable"]]
        if unstable:
            out.append("- 查询数在各次之间不一致的步骤：" + "、".join(unstable) + "。")
    return out or ["- 无结果。"]


if __name__ == "__main__":
    sys.exit(child_main())
