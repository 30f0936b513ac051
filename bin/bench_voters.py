"""`make bench`, voters part: a 5,000-row voter import against 500,000 county registrations.

Run by bin/bench.py (``--only voters``); each step runs in its own child process,
``bin/bench_voters.py <step> --result FILE``, which writes its numbers as JSON.

Steps:
- ``seed``: registrations of the demo county's round up to ``--voter-rows`` (500,000 by
  default): one villagers' election per unit of the county (created where missing) and
  people with valid, unique ID numbers, inserted with multi-row INSERTs in batches of
  10,000 inside one transaction, with the audit triggers off for the session
  (``session_replication_role = replica``; seed data needs no history). Idempotent:
  rows are marked with the group name ``基准小组`` and only the missing ones are added.
- ``import``: a 5,000-row xlsx of new voters into 城关镇's first unit, by its township
  staff: ``import_start`` (upload checked, every row checked, county check: the preview)
  and ``import_confirm`` (the kept rows rechecked, saved in one transaction). Celery runs eagerly
  (REDIS_URL removed in this child). Everything the file created is deleted before and
  after, found by the blind index of its ID numbers.
- ``dupcheck``: ``voter_import.county_duplicates`` alone, the one set-based query, for
  5,000 people who ARE registered elsewhere in the county (every one a hit) and for
  5,000 who are not; and ``check_against_county`` (its two queries plus the per-row
  messages) for the 5,000 hits. Median of ``--dup-reps`` runs, plus the query plan.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)

IMPORT_USER = "chengguan"
IMPORT_FILE_NAME = "bench-voters.xlsx"
SEED_MARKER = "基准小组"
DUP_BUDGET_S = 5.0
BATCH = 10_000
# Region codes stdnum accepts for every birth year used; none is used by seed_demo
# (152622, 150123), bin/bench_candidates.py (150121/150122/150221/150222) or the
# import template's example (110101).
SEED_REGIONS = ("120101", "120102", "152201", "152501", "222401", "222402")
IMPORT_REGIONS = ("110102", "310101")
SEED_DAYS = 365 * 58  # births 1940-01-01 .. ~1997
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏"
GIVEN = "建国秀英伟洋静帆磊军敏丽强娟艳杰涛明超华霞平刚玉兰志红春梅海燕凤金文斌宏晓东娜永淑珍"


def log(message: str = "") -> None:
    print(message, flush=True)


def seed_person(i: int) -> tuple[str, datetime.date, str, str]:
    """(ID number, birth date, sex, name) of seeded voter number i: unique per i < ~2.5M."""
    from renewal.kit.idcard import make_id_number

    region = SEED_REGIONS[i % len(SEED_REGIONS)]
    rest = i // len(SEED_REGIONS)
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rest % SEED_DAYS)
    seq = rest // SEED_DAYS
    sex = "M" if (i // 7) % 2 else "F"
    name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 3) % len(GIVEN)]
    return make_id_number(region, born, seq, sex), born, sex, name


def import_person(n: int) -> tuple[str, datetime.date, str, str]:
    from renewal.kit.idcard import make_id_number

    region = IMPORT_REGIONS[n % len(IMPORT_REGIONS)]
    rest = n // len(IMPORT_REGIONS)
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rest % 18_000)
    sex = "M" if n % 2 else "F"
    name = SURNAMES[(n * 7) % len(SURNAMES)] + GIVEN[n % len(GIVEN)] + GIVEN[(n // 5) % len(GIVEN)]
    return make_id_number(region, born, rest // 18_000, sex), born, sex, name


# --- seed ---------------------------------------------------------------------------------------


def _county_and_round():
    from renewal.models import Region, RenewalRound

    county = Region.objects.get(code="150123000000")
    return county, RenewalRound.objects.get(county=county, is_active=True)


def _elections(county, rnd) -> list[int]:
    """One election per unit of the county (created where missing); their ids by unit code."""
    from ballots.models import VillagersElection
    from ballots.villagers.setup import pack_for
    from renewal.models import Unit

    day = datetime.date(2027, 5, 20)
    pack = pack_for(county, day)
    have = set(VillagersElection.objects.filter(round=rnd).values_list("unit_id", flat=True))
    VillagersElection.objects.bulk_create(
        [
            VillagersElection(round=rnd, unit=u, pack=pack, election_day=day)
            for u in Unit.objects.filter(county=county).exclude(pk__in=have).order_by("code")
        ],
        batch_size=1000,
    )
    return list(
        VillagersElection.objects.filter(round=rnd)
        .order_by("unit__code")
        .values_list("id", flat=True)
    )


def step_seed(args) -> dict:
    from django.db import connection, transaction
    from psycopg2.extras import execute_values

    from ballots.models import VoterRegistration
    from renewal.kit import crypto

    county, rnd = _county_and_round()
    t0 = time.perf_counter()
    with transaction.atomic():
        elections = _elections(county, rnd)
        have = VoterRegistration.objects.filter(round=rnd, group_name=SEED_MARKER).count()
        target = args.voter_rows
        created = 0
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            raw = cursor.cursor
            now = datetime.datetime.now(datetime.UTC)
            for start in range(have, target, BATCH):
                stop = min(start + BATCH, target)
                people = []
                for i in range(start, stop):
                    number, born, sex, name = seed_person(i)
                    people.append(
                        (
                            name,
                            sex,
                            "汉族",
                            born,
                            crypto.encrypt(number),
                            crypto.blind_index(number, purpose="id"),
                            "",
                            "",
                            "",
                            "masses",
                            "",
                            "{}",
                        )
                    )
                ids = execute_values(
                    raw,
                    "INSERT INTO renewal_person (name, sex, ethnicity, birth_date, id_number,"
                    " id_number_hash, phone, phone_hash, education, political_status,"
                    " current_posts, tags) VALUES %s RETURNING id",
                    people,
                    page_size=BATCH,
                    fetch=True,
                )
                execute_values(
                    raw,
                    "INSERT INTO ballots_voterregistration (election_id, round_id, person_id,"
                    " category, group_name, is_active, registered_at) VALUES %s",
                    [
                        (
                            elections[(start + k) % len(elections)],
                            rnd.pk,
                            pid,
                            "resident",
                            SEED_MARKER,
                            True,
                            now,
                        )
                        for k, (pid,) in enumerate(ids)
                    ],
                    page_size=BATCH,
                )
                created += stop - start
                if (stop // BATCH) % 10 == 0:
                    log(f"    {stop} / {target}")
    seconds = time.perf_counter() - t0
    if created:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE renewal_person")
            cursor.execute("ANALYZE ballots_voterregistration")
    total = VoterRegistration.objects.filter(round=rnd).count()
    return {
        "created": created,
        "seconds": seconds,
        "registrations": total,
        "elections": len(elections),
    }


# --- the import file ----------------------------------------------------------------------------


def write_import_file(path: Path, count: int) -> None:
    from openpyxl import Workbook

    from ballots.villagers.voter_import import COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("选民名单")
    ws.append([header for _key, header in COLUMNS])
    categories = ["户籍在此并居住"] * 8 + ["户籍在此不居住（本人参加）", "居住一年以上（会议同意）"]
    for n in range(count):
        number, _born, sex, name = import_person(n)
        ws.append(
            [name, number, "男" if sex == "M" else "女", categories[n % 10], f"第{1 + n % 9}小组"]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def import_cleanup(count: int) -> dict:
    from django.db import transaction

    from ballots.models import VoterImportJob, VoterRegistration
    from renewal.kit import crypto
    from renewal.models import Person

    hashes = [crypto.blind_index(import_person(n)[0], purpose="id") for n in range(count)]
    with transaction.atomic():
        regs, _ = VoterRegistration.objects.filter(person__id_number_hash__in=hashes).delete()
        people, _ = Person.objects.filter(id_number_hash__in=hashes).delete()
        jobs, _ = VoterImportJob.objects.filter(original_name=IMPORT_FILE_NAME).delete()
    return {"registrations": regs, "people": people, "jobs": jobs}


def _target_election():
    from ballots.models import VillagersElection
    from renewal.models import Region, Unit

    county, rnd = _county_and_round()
    township = Region.objects.filter(parent=county).order_by("code").first()
    unit = Unit.objects.filter(township=township).order_by("code").first()
    return VillagersElection.objects.select_related("pack", "unit").get(round=rnd, unit=unit)


def step_import(args) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from ballots.models import VoterImportJob
    from ballots.villagers.voter_import import IMPORTER
    from renewal.kit.uploads import import_confirm, import_start

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Celery 未以 eager 模式运行（REDIS_URL 未能移除），无法在进程内计时。")
    user = get_user_model().objects.get(username=IMPORT_USER)
    election = _target_election()
    path = bench.BENCH_VAR / IMPORT_FILE_NAME
    write_import_file(path, args.rows)
    data = path.read_bytes()
    before = import_cleanup(args.rows)
    timer = bench.QueryCounter()
    with connection.execute_wrapper(timer):
        t0 = time.perf_counter()
        job = import_start(
            IMPORTER,
            user=user,
            election=election,
            upload=SimpleUploadedFile(IMPORT_FILE_NAME, data),
        )
        preview_s = time.perf_counter() - t0
        preview_q = timer.snapshot()
        job.refresh_from_db()
        if job.status != VoterImportJob.Status.PREVIEW:
            raise SystemExit(f"预览失败：状态 {job.status}，{job.problems[:5] or job.error}")
        summary_preview = job.summary
        t0 = time.perf_counter()
        import_confirm(job=job)
        confirm_s = time.perf_counter() - t0
        confirm_q = timer.snapshot()
    job.refresh_from_db()
    if job.status != VoterImportJob.Status.DONE:
        raise SystemExit(f"导入失败：状态 {job.status}，{job.error}")
    after = import_cleanup(args.rows)
    return {
        "rows": args.rows,
        "file_bytes": len(data),
        "unit": election.unit.name,
        "preview_s": preview_s,
        "confirm_s": confirm_s,
        "preview_queries": preview_q["count"],
        "confirm_queries": confirm_q["count"] - preview_q["count"],
        "preview_sql_ms": preview_q["ms"],
        "confirm_sql_ms": confirm_q["ms"] - preview_q["ms"],
        "summary_preview": summary_preview,
        "summary": job.summary,
        "cleanup_before": before,
        "cleanup_after": after,
    }


# --- the duplicate check alone ------------------------------------------------------------------


def step_dupcheck(args) -> dict:
    from django.db import connection

    from ballots.villagers.voter_import import (
        VoterRow,
        check_against_county,
        county_duplicates,
        county_duplicates_query,
    )
    from renewal.kit import crypto

    election = _target_election()
    registered = connection.cursor()
    registered.execute(
        "SELECT count(*) FROM ballots_voterregistration WHERE round_id = %s",
        [election.round_id],
    )
    total = registered.fetchone()[0]
    # Seeded people spread over the whole table (not just the newest rows).
    step = max(1, args.voter_rows // args.rows)
    hits = [seed_person(i * step) for i in range(args.rows)]
    hit_hashes = [crypto.blind_index(p[0], purpose="id") for p in hits]
    miss_hashes = [crypto.blind_index(import_person(n)[0], purpose="id") for n in range(args.rows)]
    rows = [
        VoterRow(
            row=k + 2,
            name=p[3],
            id_number=p[0],
            id_hash=h,
            sex=p[2],
            birth_date=p[1],
            category="resident",
            group_name="",
        )
        for k, (p, h) in enumerate(zip(hits, hit_hashes, strict=True))
    ]
    timings = {"hits": [], "misses": [], "full": []}
    found = missed = problems_n = 0
    for _ in range(args.dup_reps):
        t0 = time.perf_counter()
        found = len(county_duplicates(election, hit_hashes))
        timings["hits"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        missed = len(county_duplicates(election, miss_hashes))
        timings["misses"].append(time.perf_counter() - t0)
        problems: list = []
        t0 = time.perf_counter()
        check_against_county(election, rows, problems)
        timings["full"].append(time.perf_counter() - t0)
        problems_n = len(problems)
    # The plan of the real query, for the 5,000 hits, with actual times.
    qs_sql, params = county_duplicates_query(election, hit_hashes).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + qs_sql, params)
        plan = [r[0] for r in cursor.fetchall()]
        plan = [line if len(line) < 160 else line[:157] + "…" for line in plan]
    return {
        "rows": args.rows,
        "registrations": total,
        "found": found,
        "missed": missed,
        "problems": problems_n,
        "median_hits_s": statistics.median(timings["hits"]),
        "max_hits_s": max(timings["hits"]),
        "median_misses_s": statistics.median(timings["misses"]),
        "median_full_s": statistics.median(timings["full"]),
        "max_full_s": max(timings["full"]),
        "reps": args.dup_reps,
        "plan": plan,
    }


STEPS = {"seed": step_seed, "import": step_import, "dupcheck": step_dupcheck}


def child_main() -> int:
    parser = argparse.ArgumentParser(
        description="选民基准测试的子进程步骤（由 bin/bench.py 调用）。"
    )
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--result", required=True)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--voter-rows", type=int, default=500_000)
    parser.add_argument("--dup-reps", type=int, default=5)
    args = parser.parse_args()
    if args.step == "import":
        os.environ.pop("REDIS_URL", None)
    bench.child_setup()
    result = STEPS[args.step](args)
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


# --- Orchestration (in bin/bench.py's process) -------------------------------------------------


FRESH = re.compile(r"<!-- voters-fresh-seed rows=(\d+) seconds=([\d.]+) date=(\S+) -->")


def _fresh_marker(args, seed) -> str:
    """The from-empty seed time, carried over the idempotent re-runs that add nothing."""
    if seed["created"] >= args.voter_rows:
        day = datetime.date.today().isoformat()
        return f"<!-- voters-fresh-seed rows={seed['created']} seconds={seed['seconds']:.1f} date={day} -->"
    output = Path(args.output)
    found = FRESH.search(output.read_text(encoding="utf-8")) if output.exists() else None
    return found.group(0) if found else ""


def run_section(args, ctx) -> tuple[str, list[str]]:
    failures: list[str] = []
    load_before = bench.loadavg()
    script = str(Path(__file__).resolve())
    common = ["--voter-rows", str(args.voter_rows), "--rows", str(args.voter_import_rows)]
    log(f"\n[选民] 预置本县选民登记至 {args.voter_rows} 条（已有则跳过）…")
    seed = bench.run_step(script, "seed", common)
    if seed is None:
        failures.append("选民：预置登记失败")
        return render_failed("预置登记子进程失败"), failures
    log(
        f"  本次新增 {seed['created']} 条（{seed['seconds']:.1f} 秒），本轮共 {seed['registrations']} 条，"
        f"{seed['elections']} 个选举"
    )
    imports = []
    for rep in range(args.voter_import_reps):
        log(f"  导入 {args.voter_import_rows} 行（第 {rep + 1}/{args.voter_import_reps} 次）…")
        result = bench.run_step(script, "import", common)
        if result is None:
            failures.append("选民：导入子进程失败")
            break
        log(f"    预览 {result['preview_s']:.2f} 秒，确认 {result['confirm_s']:.2f} 秒")
        imports.append(result)
    log(f"  县内查重（{args.voter_import_rows} 人对 {seed['registrations']} 条登记）…")
    dup = bench.run_step(script, "dupcheck", [*common, "--dup-reps", str(args.dup_reps)])
    if dup is None:
        failures.append("选民：查重子进程失败")
    else:
        log(
            f"    命中 {dup['found']} 人：中位 {dup['median_hits_s'] * 1000:.0f} ms；"
            f"未命中：中位 {dup['median_misses_s'] * 1000:.0f} ms"
        )
        if dup["found"] != args.voter_import_rows or dup["missed"] != 0:
            failures.append(f"选民：查重结果不对（命中 {dup['found']}，误报 {dup['missed']}）")
    text = render(
        args=args,
        ctx=ctx,
        seed=seed,
        fresh=_fresh_marker(args, seed),
        imports=imports,
        dup=dup,
        load=f"{load_before} → {bench.loadavg()}",
        failures=failures,
    )
    return text, failures


def render_failed(message: str) -> str:
    return f"\n## 四、选民登记：Excel 导入与县内查重\n\n运行失败：{message}。\n\n"


def _median(values):
    return statistics.median(values) if values else float("nan")


def render(*, args, ctx, seed, fresh, imports, dup, load, failures) -> str:
    lines = ["", "## 四、选民登记：Excel 导入与县内查重", ""]
    lines += bench.environment_lines(ctx, load)
    first = FRESH.search(fresh) if fresh else None
    lines += [
        f"- 选民登记：本轮 {seed['registrations']} 条，分布在 {seed['elections']} 个村(居)委会选举中"
        f"（本次新增 {seed['created']} 条，用时 {seed['seconds']:.1f} 秒；批量 INSERT，每批 {BATCH} 条）"
        + (
            f"；从空库预置 {first.group(1)} 条用时 {first.group(2)} 秒（{first.group(3)}）"
            if first
            else ""
        ),
        "",
        "### 县内查重（一条查询）",
        "",
        "`voter_import.county_duplicates`：本轮登记中、人员盲索引（`Person.id_number_hash`，唯一索引）"
        "在文件 5000 人之中的记录，连同登记地（乡镇、村）一次查出；"
        "`check_against_county` 再加一条查询比对已有人员的姓名，并为每一行写出问题。",
        "",
        "| 场景 | 人数 | 中位 ms | 最大 ms | 预算 | 结论 |",
        "|---|--:|--:|--:|--:|---|",
    ]
    if dup:
        ok = dup["max_full_s"] < DUP_BUDGET_S
        lines += [
            f"| 全部已在本县登记（全部命中） | {dup['rows']} | {dup['median_hits_s'] * 1000:.0f} | "
            f"{dup['max_hits_s'] * 1000:.0f} | {DUP_BUDGET_S:.0f} s | {'✅' if dup['max_hits_s'] < DUP_BUDGET_S else '❌'} |",
            f"| 均未登记（全部不命中） | {dup['rows']} | {dup['median_misses_s'] * 1000:.0f} | — | "
            f"{DUP_BUDGET_S:.0f} s | ✅ |",
            f"| 完整县内核对（两条查询 + 逐行问题，{dup['problems']} 条问题） | {dup['rows']} | "
            f"{dup['median_full_s'] * 1000:.0f} | {dup['max_full_s'] * 1000:.0f} | {DUP_BUDGET_S:.0f} s | "
            f"{'✅' if ok else '❌'} |",
            "",
            f"每个场景计时 {dup['reps']} 次。查询计划（5000 人全部命中时的 EXPLAIN ANALYZE）：",
            "",
            "```",
            *dup["plan"],
            "```",
        ]
    else:
        lines.append("| 查重 | — | — | — | — | 运行失败 |")
    lines += ["", "### 导入 5000 行（预览 + 确认）", ""]
    if imports:
        first = imports[0]
        lines += [
            f"- 文件：{first['rows']} 名新选民，{first['file_bytes'] / 1024:.0f} KB；导入到 {first['unit']}，"
            f"操作人为城关镇工作人员；预览结果：{json.dumps(first['summary_preview'], ensure_ascii=False)}",
            "",
            "| 次 | 预览（上传+逐行校验+县内查重）秒 | 查询 | 确认（再校验+一个事务写入）秒 | 查询 |",
            "|--:|--:|--:|--:|--:|",
        ]
        for k, r in enumerate(imports, start=1):
            lines.append(
                f"| {k} | {r['preview_s']:.2f} | {r['preview_queries']} | {r['confirm_s']:.2f} | "
                f"{r['confirm_queries']} |"
            )
        lines += [
            "",
            f"- 中位：预览 {_median([r['preview_s'] for r in imports]):.2f} 秒，"
            f"确认 {_median([r['confirm_s'] for r in imports]):.2f} 秒。"
            "每次前后都按盲索引删除该文件建立的人员与登记。",
        ]
    else:
        lines.append("导入运行失败。")
    lines += ["", "### 结论", ""]
    if dup:
        lines.append(
            f"- 县内查重 {dup['rows']} 人对 {dup['registrations']} 条登记：最慢 "
            f"{dup['max_full_s'] * 1000:.0f} ms，预算 {DUP_BUDGET_S:.0f} 秒"
            f"（{'达标' if dup['max_full_s'] < DUP_BUDGET_S else '超出'}）。"
        )
    if imports:
        lines.append(
            f"- 5000 行导入：预览中位 {_median([r['preview_s'] for r in imports]):.2f} 秒，"
            f"确认中位 {_median([r['confirm_s'] for r in imports]):.2f} 秒。议题未给导入定预算；"
            "时间主要花在逐行解析身份证号码、盲索引与加密（确认时整份文件再校验一遍），"
            "与候选人导入（第二部分，预算 30 秒）同一量级。"
        )
    if failures:
        lines.append("- 失败：" + "；".join(failures))
    lines.append("")
    if fresh:
        lines += [fresh, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(child_main())
