"""`make bench`, candidates part: the xlsx import (preview + confirm) and the roster export.

Run by bin/bench.py (``--only candidates``); each measured step runs in its own child
process, ``bin/bench_candidates.py <step> --result FILE``, which writes its numbers as
JSON. Peak memory is the child's ``getrusage(RUSAGE_SELF).ru_maxrss``.

Steps:
- ``roster``: the candidacies the export reads (cached: 10 per unit, with recommendations,
  for seeded party members, marked ``notes=bench:roster``; created once, topped up if
  missing). bin/bench.py runs it while preparing the data, whichever parts run.
- ``prepare``: the import file (var/bench/, regenerated each run, deterministic), and
  the removal of anything an interrupted import run left behind.
- ``import``: ``import_start`` (upload stored and checked, rows checked: the preview) and
  ``import_confirm`` (the rows kept at the preview rechecked and saved). Celery runs eagerly (REDIS_URL is
  removed in this child), so both run in-process. Before and after, everything the file
  creates is deleted again (candidacies, recommendations, logs, people, the job), found
  by the blind index of the file's ID numbers: the import commits its own transaction,
  so it cannot be rolled back from outside.
- ``export``: ``renewal.kit.exports.export_run`` for a ``candidates`` job of the county
  reviewer (all units, unmasked); ``rows``: the same rows without the xlsx writer, to split the
  cost between the query/decryption and the xlsx writer.
"""

import argparse
import datetime
import json
import os
import random
import resource
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BIN = Path(__file__).resolve().parent
if str(BIN) not in sys.path:
    sys.path.insert(0, str(BIN))

import bench  # noqa: E402  (bin/ is not a package)

IMPORT_USER = "chengguan"  # 城关镇 township staff: writes 城关镇's units
EXPORT_USER = "zuzhibu"  # county reviewer: sees every unit, unmasked
ROSTER_CREATOR = "admin"
ROSTER_MARKER = "bench:roster"
COUNTY_CODE = "150123000000"  # seed_demo's county
IMPORT_FILE_NAME = "bench-candidates.xlsx"
IMPORT_BUDGET_S = 30.0
EXPORT_BUDGET_MB = 150.0
# Regions whose codes stdnum accepts for every birth year used here; the seed uses
# 152622 and 150123, so the file's people never collide with seeded ones.
ID_REGIONS = ("150121", "150122", "150221", "150222")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏"
GIVEN = "建国秀英伟洋静帆磊军敏丽强娟艳杰涛明超华霞平刚玉兰志红春梅海燕凤金文斌宏晓东娜永淑珍"
# (拟任班子, 拟任职务) in the proportions a township's list usually has.
SLOTS = [
    ("党组织委员会", "书记"),
    ("党组织委员会", "副书记"),
    ("党组织委员会", "委员"),
    ("党组织委员会", "委员"),
    ("党组织委员会", "委员"),
    ("村(居)民委员会", "主任"),
    ("村(居)民委员会", "副主任"),
    ("村(居)民委员会", "委员"),
    ("村(居)民委员会", "委员"),
    ("村(居)民委员会", "妇女委员"),
]
PHONE_PREFIXES = ("138", "139", "135", "136", "150", "151", "152", "158", "159", "186", "187")


def log(message: str = "") -> None:
    print(message, flush=True)


def rss_now() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- The import file ------------------------------------------------------------------------


def import_person(n: int) -> tuple[str, datetime.date, str]:
    """(ID number, birth date, sex) of row n; injective in n for n < 30,000."""
    region = ID_REGIONS[n % len(ID_REGIONS)]
    seq = 11 + (n // len(ID_REGIONS)) % 3 * 29
    born = datetime.date(1966, 1, 1) + datetime.timedelta(days=n // (3 * len(ID_REGIONS)) * 3)
    slot = SLOTS[n % len(SLOTS)]
    sex = "F" if slot[1] == "妇女委员" or n % 7 in (2, 5) else "M"
    from renewal.kit.idcard import make_id_number

    return make_id_number(region, born, seq, sex), born, sex


def import_values(units: list[tuple[str, str]], count: int) -> list[dict]:
    """`count` valid rows (by column key) spread over `units` [(code, name)].

    A party-committee row stands a full member with voting rights (the import refuses
    anyone else); ``import_roster`` puts them on their unit's branch roster first.
    """
    rows = []
    for n in range(count):
        rng = random.Random(f"bench-import-{n}")
        code, unit_name = units[n % len(units)]
        body, post = SLOTS[n % len(SLOTS)]
        id_number, born, sex = import_person(n)
        party = body == "党组织委员会" or rng.random() < 0.5
        if body == "党组织委员会":
            political = "中共党员"
        elif party:
            political = "中共党员" if rng.random() < 0.93 else "中共预备党员"
        else:
            political = rng.choice(["群众", "群众", "共青团员"])
        joined = None
        if party:
            joined = datetime.date(born.year + rng.randint(20, 32), rng.randint(1, 12), 1)
            joined = min(joined, datetime.date(2025, 7, 1))
        tags = [
            label
            for label, p in (("退役军人", 0.08), ("返乡农民工", 0.12), ("高校毕业生", 0.1))
            if rng.random() < p
        ]
        values = {
            "unit_code": code,
            "unit_name": unit_name,
            "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", GIVEN[n % 40]]),
            "sex": "男" if sex == "M" else "女",
            "ethnicity": rng.choices(["汉族", "蒙古族", "回族", "满族"], [85, 10, 3, 2])[0],
            "birth_date": born,  # a real date cell, as Excel writes it
            "id_number": id_number,  # text, as the template's ID column
            "phone": f"{rng.choice(PHONE_PREFIXES)}{rng.randint(10_000_000, 99_999_999)}",
            "education": rng.choices(
                ["小学", "初中", "高中/中专", "大专", "本科", "研究生"], [4, 18, 36, 26, 15, 1]
            )[0],
            "political_status": political,
            "party_joined_on": joined,
            "tags": "、".join(tags),
            "body": body,
            "post": post,
            "continuing": "继任" if rng.random() < 0.3 else "新任",
            "votes_party_members": rng.randint(5, 80),
            "votes_masses": rng.randint(20, 400) if rng.random() < 0.9 else None,
            "votes_higher": rng.randint(1, 9) if rng.random() < 0.1 else None,
            "notes": "" if rng.random() < 0.9 else "本村致富带头人",
        }
        rows.append(values)
    return rows


def import_rows(units: list[tuple[str, str]], count: int) -> list[list]:
    """The rows of ``import_values`` in the template's column order."""
    from candidates.imports import COLUMNS

    return [[values.get(key) for key, _h in COLUMNS] for values in import_values(units, count)]


def import_roster(user, count: int) -> int:
    """The file's party-committee candidates as people on their units' branch rosters, as a
    township's rosters are before its candidates are entered (not timed)."""
    from candidates.imports import EDUCATIONS, SEXES
    from renewal.models import PartyMember, Person, Unit

    branches = dict(
        Unit.objects.filter(code__in=[code for code, _n in import_units(user)]).values_list(
            "code", "branch__id"
        )
    )
    party = [v for v in import_values(import_units(user), count) if v["body"] == "党组织委员会"]
    people = []
    for values in party:
        person = Person(
            name=values["name"],
            sex=SEXES[values["sex"]],
            birth_date=values["birth_date"],
            ethnicity=values["ethnicity"],
            education=EDUCATIONS[values["education"]],
            political_status="full_member",
        )
        person.set_id_number(values["id_number"])
        person.set_phone("")
        people.append(person)
    Person.objects.bulk_create(people)
    PartyMember.objects.bulk_create(
        PartyMember(
            branch_id=branches[values["unit_code"]],
            person=person,
            status="full",
            joined_on=values["party_joined_on"],
        )
        for values, person in zip(party, people, strict=True)
    )
    return len(people)


def write_import_file(path: Path, units, count: int) -> None:
    from openpyxl import Workbook

    from candidates.imports import COLUMNS, TEXT_COLUMNS

    keys = [key for key, _header in COLUMNS]
    wb = Workbook()
    ws = wb.active
    ws.title = "候选人"
    ws.append([header for _key, header in COLUMNS])
    for row in import_rows(units, count):
        ws.append(row)
    for index, key in enumerate(keys, start=1):
        if key in TEXT_COLUMNS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"
        if key in ("birth_date", "party_joined_on"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def import_units(user) -> list[tuple[str, str]]:
    from renewal.access import writable_townships
    from renewal.models import Unit

    return list(
        Unit.objects.filter(township__in=writable_townships(user))
        .order_by("code")
        .values_list("code", "name")
    )


def import_cleanup(user, count: int) -> dict:
    """Delete what importing the file created (and any bench import jobs)."""
    from django.db import transaction

    from candidates.models import Candidacy, ImportJob
    from renewal.kit import crypto
    from renewal.models import PartyMember, Person

    hashes = [crypto.blind_index(import_person(n)[0], purpose="id") for n in range(count)]
    people = list(Person.objects.filter(id_number_hash__in=hashes).values_list("pk", flat=True))
    with transaction.atomic():
        candidacies, _ = Candidacy.objects.filter(person_id__in=people).delete()
        PartyMember.objects.filter(person_id__in=people).delete()
        deleted, _ = Person.objects.filter(pk__in=people).delete()
        ImportJob.objects.filter(user=user, original_name=IMPORT_FILE_NAME).delete()
    return {"people": deleted, "objects": candidacies}


# --- The roster data ------------------------------------------------------------------------

ROSTER_POSTS = [
    ("party", "secretary"),
    ("party", "deputy_secretary"),
    ("party", "party_member"),
    ("party", "party_member"),
    ("party", "party_member"),
    ("party", "party_member"),
    ("villagers", "director"),
    ("villagers", "deputy_director"),
    ("villagers", "committee_member"),
    ("villagers", "women_member"),
]
STATUSES = [
    ("preliminary", 55),
    ("inspected", 15),
    ("vetted", 10),
    ("township_approved", 6),
    ("county_filed", 3),
    ("formal", 6),
    ("withdrawn", 3),
    ("disqualified", 2),
]


def roster_prepare(target: int) -> dict:
    """Make sure `target` marked candidacies exist (10 per unit, in unit code order)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from candidates.models import Candidacy, Recommendation
    from renewal.models import PartyMember, RenewalRound, Unit

    have = Candidacy.objects.filter(notes=ROSTER_MARKER).count()
    if have == target:
        return {"created": 0, "existing": have, "seconds": 0.0}
    started = time.perf_counter()
    if have > target:
        log(f"  已有 {have} 条标记为 {ROSTER_MARKER} 的人选，多于 {target}，删除后重建 …")
        with connection.cursor() as cur:
            cur.execute(
                "DELETE FROM candidates_recommendation WHERE candidacy_id IN "
                "(SELECT id FROM candidates_candidacy WHERE notes = %s)",
                [ROSTER_MARKER],
            )
            cur.execute(
                "DELETE FROM candidates_candidacylog WHERE candidacy_id IN "
                "(SELECT id FROM candidates_candidacy WHERE notes = %s)",
                [ROSTER_MARKER],
            )
            cur.execute("DELETE FROM candidates_candidacy WHERE notes = %s", [ROSTER_MARKER])
        have = 0
    creator = get_user_model().objects.get(username=ROSTER_CREATOR)
    # The county demo's county only: the export reads what its county reviewer sees, and the
    # province demo's units (codes sorting before 150123) carry candidacies of their own.
    rounds = dict(
        RenewalRound.objects.filter(is_active=True, county__code=COUNTY_CODE).values_list(
            "county_id", "pk"
        )
    )
    units = list(
        Unit.objects.filter(county_id__in=rounds)
        .order_by("code")
        .values_list("pk", "code", "county_id")
    )
    per_unit = len(ROSTER_POSTS)
    if len(units) * per_unit < target:
        log(
            f"  注意：本县只有 {len(units)} 个村(社区)，最多 {len(units) * per_unit} 条人选，"
            f"少于 --roster-rows {target}"
        )
    units = units[: -(-target // per_unit)]
    existing = set(
        Candidacy.objects.filter(notes=ROSTER_MARKER).values_list("unit_id", "person_id", "post")
    )
    created, planned, batch = 0, 0, 500
    for offset in range(0, len(units), batch):
        chunk = units[offset : offset + batch]
        members: dict[int, list[tuple[int, str]]] = {}
        # Members who already stand in the unit (seed_demo's candidates) are left to them.
        taken = set(
            Candidacy.objects.filter(unit_id__in=[u[0] for u in chunk])
            .exclude(notes=ROSTER_MARKER)
            .values_list("unit_id", "person_id")
        )
        for unit_id, person_id, sex in (
            PartyMember.objects.filter(branch__unit_id__in=[u[0] for u in chunk])
            .order_by("branch__unit_id", "id")
            .values_list("branch__unit_id", "person_id", "person__sex")
        ):
            if (unit_id, person_id) not in taken:
                members.setdefault(unit_id, []).append((person_id, sex))
        new, votes = [], []
        for unit_id, code, county in chunk:
            people = members.get(unit_id, [])
            if len(people) < per_unit:
                continue
            rng = random.Random(f"bench-roster-{code}")
            chosen = people[: per_unit - 1]
            women = [p for p in people[per_unit - 1 :] if p[1] == "F"]
            chosen.append(women[0] if women else people[per_unit - 1])
            for (body, post), (person_id, _sex) in zip(ROSTER_POSTS, chosen, strict=True):
                planned += 1
                if planned > target:
                    break
                if (unit_id, person_id, post) in existing:
                    continue
                status = rng.choices([s for s, _w in STATUSES], [w for _s, w in STATUSES])[0]
                inspected = status not in ("preliminary", "withdrawn", "disqualified")
                candidacy = Candidacy(
                    round_id=rounds[county],
                    unit_id=unit_id,
                    person_id=person_id,
                    body=body,
                    post=post,
                    is_continuing=rng.random() < 0.35,
                    status=status,
                    inspection="passed" if inspected else "pending",
                    appraisal_score=Decimal(rng.randint(7000, 9900)) / 100 if inspected else None,
                    notes=ROSTER_MARKER,
                    created_by=creator,
                )
                new.append(candidacy)
                votes.append(
                    (
                        candidacy,
                        {
                            "party_members": rng.randint(5, 80),
                            "masses": rng.randint(20, 400) if rng.random() < 0.8 else None,
                            "higher": rng.randint(1, 9) if rng.random() < 0.1 else None,
                        },
                    )
                )
        if new:
            with transaction.atomic(), connection.cursor() as cur:
                # As seed_demo: keeps the audit triggers' inserts linear in bulk.
                cur.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
                Candidacy.objects.bulk_create(new, batch_size=2000)
                Recommendation.objects.bulk_create(
                    [
                        Recommendation(candidacy=c, source=source, votes=n)
                        for c, counts in votes
                        for source, n in counts.items()
                        if n is not None
                    ],
                    batch_size=5000,
                )
            created += len(new)
        done = min(offset + batch, len(units))
        if done % 2000 == 0 or done == len(units):
            log(
                f"  花名册数据：{done}/{len(units)} 个村(社区)，新建 {created} 条人选"
                f"（{time.perf_counter() - started:.0f} 秒）"
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE candidates_candidacy")
        cur.execute("ANALYZE candidates_recommendation")
    return {
        "created": created,
        "existing": Candidacy.objects.filter(notes=ROSTER_MARKER).count(),
        "seconds": time.perf_counter() - started,
    }


# --- Child steps ------------------------------------------------------------------------------


def step_roster(args) -> dict:
    return roster_prepare(args.roster_rows)


def step_prepare(args) -> dict:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=IMPORT_USER)
    units = import_units(user)
    if not units:
        raise SystemExit(f"{IMPORT_USER} 没有可写的村(社区)。")
    t0 = time.perf_counter()
    path = Path(args.file)
    write_import_file(path, units, args.import_rows)
    cleanup = import_cleanup(user, args.import_rows)  # leftovers of an interrupted run
    return {
        "import_units": len(units),
        "import_file_bytes": path.stat().st_size,
        "import_file_seconds": time.perf_counter() - t0,
        "leftovers": cleanup,
        "rss_mb": rss_now(),
    }


def step_import(args) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from candidates.imports import IMPORTER
    from candidates.models import Candidacy, ImportJob
    from renewal.kit.uploads import import_confirm, import_start

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        raise SystemExit("Celery 未以 eager 模式运行（REDIS_URL 未能移除），无法在进程内计时。")
    user = get_user_model().objects.get(username=IMPORT_USER)
    import_cleanup(user, args.rows)
    on_roster = import_roster(user, args.rows)
    data = Path(args.file).read_bytes()
    baseline = rss_now()

    timer = bench.QueryCounter()
    with connection.execute_wrapper(timer):
        t0 = time.perf_counter()
        job = import_start(
            IMPORTER,
            user=user,
            upload=SimpleUploadedFile(
                IMPORT_FILE_NAME,
                data,
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        )
        preview_s = time.perf_counter() - t0
        preview_q = timer.snapshot()
        job.refresh_from_db()
        preview_rss = rss_now()
        if job.status != ImportJob.Status.PREVIEW:
            problems = job.problems[:5] if job.problems else job.error
            raise SystemExit(f"预览失败：状态 {job.status}，{problems}")
        summary_preview = job.summary
        t0 = time.perf_counter()
        import_confirm(job=job)
        confirm_s = time.perf_counter() - t0
        confirm_q = timer.snapshot()
    peak = rss_now()
    job.refresh_from_db()
    if job.status != ImportJob.Status.DONE:
        raise SystemExit(f"导入失败：状态 {job.status}，{job.error}")
    created = Candidacy.objects.filter(created_by=user, notes__in=["", "本村致富带头人"]).count()
    t0 = time.perf_counter()
    cleanup = import_cleanup(user, args.rows)
    return {
        "rows": args.rows,
        "on_roster": on_roster,
        "file_bytes": len(data),
        "preview_s": preview_s,
        "confirm_s": confirm_s,
        "preview_queries": preview_q,
        "confirm_queries": confirm_q,
        "summary_preview": summary_preview,
        "summary": job.summary,
        "created_seen": created,
        "baseline_mb": baseline,
        "preview_peak_mb": preview_rss,
        "peak_mb": peak,
        "cleanup": cleanup,
        "cleanup_s": time.perf_counter() - t0,
    }


def step_export(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from renewal.kit.exports import export_dir, export_run
    from renewal.models import ExportJob

    user = get_user_model().objects.get(username=EXPORT_USER)
    job = ExportJob.objects.create(user=user, kind="candidates", params={})
    baseline = rss_now()
    timer = bench.QueryCounter()
    with connection.execute_wrapper(timer):
        t0 = time.perf_counter()
        export_run(job_id=job.pk)
        seconds = time.perf_counter() - t0
    peak = rss_now()
    job.refresh_from_db()
    if job.status != ExportJob.Status.DONE:
        raise SystemExit(f"导出失败：状态 {job.status}，{job.error}")
    path = export_dir() / job.file_name
    size = path.stat().st_size
    path.unlink(missing_ok=True)
    job.delete()
    return {
        "rows": job.done_rows,
        "total": job.total_rows,
        "seconds": seconds,
        "queries": timer.snapshot(),
        "baseline_mb": baseline,
        "peak_mb": peak,
        "file_bytes": size,
    }


def step_rows(args) -> dict:
    """The export's rows (query, decryption, labels) without the xlsx writer."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from candidates.exports import candidates_export
    from renewal.kit.exports import safe_cell
    from renewal.models import ExportJob

    user = get_user_model().objects.get(username=EXPORT_USER)
    job = ExportJob(user=user, kind="candidates", params={})
    baseline = rss_now()
    timer = bench.QueryCounter()
    with connection.execute_wrapper(timer):
        t0 = time.perf_counter()
        export = candidates_export(job)
        count = 0
        for row in export.rows:
            [safe_cell(v) for v in row]
            count += 1
        seconds = time.perf_counter() - t0
    return {
        "rows": count,
        "seconds": seconds,
        "queries": timer.snapshot(),
        "baseline_mb": baseline,
        "peak_mb": rss_now(),
    }


STEPS = {
    "roster": step_roster,
    "prepare": step_prepare,
    "import": step_import,
    "export": step_export,
    "rows": step_rows,
}


def child_main() -> int:
    parser = argparse.ArgumentParser(
        description="候选人基准测试的子进程步骤（由 bin/bench.py 调用）。"
    )
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--result", required=True, help="结果 JSON 写入的文件")
    parser.add_argument("--file", default=str(bench.BENCH_VAR / IMPORT_FILE_NAME))
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--import-rows", type=int, default=5000)
    parser.add_argument("--roster-rows", type=int, default=200_000)
    args = parser.parse_args()
    if args.step == "import":
        # Eager Celery: the check and the import run here, where they are timed.
        os.environ.pop("REDIS_URL", None)
    bench.child_setup()
    result = STEPS[args.step](args)
    Path(args.result).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


# --- Orchestration (in bin/bench.py's process) -------------------------------------------------


def ensure_roster(args) -> dict | None:
    """The roster data, part of the benchmark data set (bin/bench.py runs it for every part)."""
    log(f"人选（花名册导出用）：目标 {args.roster_rows} 条，已有则跳过 …")
    roster = bench.run_step(
        str(Path(__file__).resolve()), "roster", ["--roster-rows", str(args.roster_rows)]
    )
    if roster is not None:
        log(
            f"人选：本次新建 {roster['created']} 条（{roster['seconds']:.1f} 秒），"
            f"共 {roster['existing']} 条"
        )
    return roster


def run_section(args, ctx) -> tuple[str, list[str]]:
    """Run the candidates benchmark; (markdown section, failures)."""
    failures: list[str] = []
    script = str(Path(__file__).resolve())
    file = bench.BENCH_VAR / IMPORT_FILE_NAME
    common = ["--file", str(file)]
    roster = ctx.get("roster")
    if roster is None:
        return render_failed("花名册数据准备失败，见终端输出。"), ["候选人：花名册数据准备失败"]
    if roster["existing"] != args.roster_rows:
        failures.append(
            f"候选人：花名册数据只有 {roster['existing']} 条，少于目标 {args.roster_rows} 条"
            "（每村 10 条；村(社区)不够时请减小 --roster-rows）"
        )
    log(f"\n[候选人] 生成导入文件（{args.import_rows} 行）…")
    load_before = bench.loadavg()
    prep = bench.run_step(script, "prepare", [*common, "--import-rows", str(args.import_rows)])
    if prep is None:
        return render_failed("生成导入文件失败，见终端输出。"), ["候选人：生成导入文件失败"]
    prep["roster"] = roster
    log(
        f"  导入文件 {prep['import_file_bytes'] / 1024:.0f} KB，{prep['import_units']} 个村(社区)；"
        f"清理上次遗留：{prep['leftovers']['people']} 名人员"
    )

    imports = []
    for rep in range(1, args.import_reps + 1):
        log(f"  导入 {args.import_rows} 行：第 {rep}/{args.import_reps} 次（子进程）…")
        r = bench.run_step(script, "import", [*common, "--rows", str(args.import_rows)])
        if r is None:
            failures.append(f"候选人：第 {rep} 次导入失败")
            continue
        imports.append(r)
        log(
            f"    预览 {r['preview_s']:.1f} 秒，确认导入 {r['confirm_s']:.1f} 秒，"
            f"合计 {r['preview_s'] + r['confirm_s']:.1f} 秒；峰值 RSS {r['peak_mb']:.0f} MB"
            f"（基线 {r['baseline_mb']:.0f} MB）；新建人选 {r['summary'].get('candidacies_created')}"
        )
        if r["summary"].get("candidacies_created") != args.import_rows:
            failures.append(
                f"候选人：第 {rep} 次导入新建人选 {r['summary'].get('candidacies_created')} 条，"
                f"应为 {args.import_rows} 条"
            )

    exports = []
    for rep in range(1, args.export_reps + 1):
        log(f"  花名册导出：第 {rep}/{args.export_reps} 次（子进程）…")
        r = bench.run_step(script, "export", [])
        if r is None:
            failures.append(f"候选人：第 {rep} 次导出失败")
            continue
        exports.append(r)
        log(
            f"    {r['rows']} 行，{r['seconds']:.1f} 秒（{r['rows'] / r['seconds']:.0f} 行/秒），"
            f"峰值 RSS {r['peak_mb']:.0f} MB（基线 {r['baseline_mb']:.0f} MB），"
            f"文件 {r['file_bytes'] / 1024 / 1024:.1f} MB"
        )
    rows_only = None
    if args.export_reps:
        log("  对照：只生成导出行、不写 xlsx（子进程）…")
        rows_only = bench.run_step(script, "rows", [])
        if rows_only:
            log(
                f"    {rows_only['rows']} 行，{rows_only['seconds']:.1f} 秒，"
                f"峰值 RSS {rows_only['peak_mb']:.0f} MB"
            )
    expected_rows = ctx["visible_candidacies"]()
    for r in exports:
        if r["rows"] != expected_rows:
            failures.append(f"候选人：导出 {r['rows']} 行，审核员可见人选 {expected_rows} 条")
    text = render(
        args=args,
        ctx=ctx,
        prep=prep,
        imports=imports,
        exports=exports,
        rows_only=rows_only,
        expected_rows=expected_rows,
        load=f"{load_before} → {bench.loadavg()}",
        failures=failures,
    )
    return text, failures


def render_failed(message: str) -> str:
    return "\n".join(["## 二、候选人：Excel 导入与花名册导出", "", f"**未完成：{message}**", ""])


def _median(values):
    return statistics.median(values) if values else float("nan")


def render(*, args, ctx, prep, imports, exports, rows_only, expected_rows, load, failures) -> str:
    roster = prep["roster"]
    lines = [
        "## 二、候选人：Excel 导入与花名册导出",
        "",
        "### 方法",
        "",
        f"- **导入**：以城关镇工作人员 `{IMPORT_USER}` 身份（可写城关镇 {prep['import_units']} 个村(社区)）"
        f"导入一个 {args.import_rows} 行的 xlsx（`{IMPORT_FILE_NAME}`，"
        f"{prep['import_file_bytes'] / 1024:.0f} KB，每村约 {args.import_rows // max(prep['import_units'], 1)} 行）："
        "身份证号由 `renewal.kit.idcard.make_id_number` 生成且互不重复，"
        "出生日期/入党时间是真正的日期单元格，拟任职务按班子分配（两委各职务都有），"
        "政治面貌、学历、人员类别、推荐票按常见比例随机（固定种子，每次相同）。"
        "党组织委员会人选须是本村(社区)党员名册中有表决权的正式党员，所以这些行的人员"
        f"（{imports[-1]['on_roster'] if imports else 0} 人）在每次导入前（不计时）已登记在名册中，"
        "导入时按身份证号更新；其余全部是新人员。",
        "- 计时的两步都走作业接口：`import_start`（保存上传、上传检查、逐行校验 → 预览）与 "
        "`import_confirm`（重新逐行校验、一个事务写入人员/人选/推荐票/日志）。子进程中移除了 `REDIS_URL`，"
        "Celery 以 eager 模式在进程内执行任务，所以两步的耗时就是校验与写入本身，不含排队。",
        f"- 每次导入在单独的子进程中运行（共 {args.import_reps} 次），峰值内存是该子进程的 "
        "`getrusage(RUSAGE_SELF).ru_maxrss`（含 Django 启动后的基线）。"
        "导入会自己提交事务（确认导入由 `on_commit` 触发），无法在外层事务中回滚，"
        "所以**每次导入前后都删除该文件产生的数据**（按文件中身份证号的盲索引找到人员，"
        "删除其人选、推荐票、日志、人员和导入作业），各次运行的起点相同。",
        f"- **导出**：库中预先放入 {roster['existing']} 条人选（每村 {len(ROSTER_POSTS)} 条，"
        "取该村党员名册中的人员，状态、考察结果、测评得分、党员/群众/上级推荐票按比例随机；"
        f"`notes={ROSTER_MARKER}` 标记，只在数量不符时补建，各次运行复用）。"
        f"以县委组织部审核员 `{EXPORT_USER}`（可见全县、不脱敏）建一个 `kind=candidates` 的导出作业，"
        "在子进程中调用 `renewal.kit.exports.export_run`，报告用时、行/秒、峰值 RSS 与 xlsx 大小（测完删除文件）。",
        f"- {bench.RSS_NOTE}",
        "- 对照行“只生成行”：同样的查询、解密与格式化（`candidates_export(job).rows` + `safe_cell`），"
        "但不写 xlsx，用来区分数据库/解密与 xlsx 写入各自的开销。",
        f"- 预算（议题）：导入（预览 + 确认）< {IMPORT_BUDGET_S:.0f} 秒；"
        f"导出峰值内存 < {EXPORT_BUDGET_MB:.0f} MB。",
        "",
        "### 环境与数据",
        "",
        *bench.environment_lines(ctx, load),
        f"- 花名册数据：本次新建 {roster['created']} 条"
        + (f"（用时 {roster['seconds']:.1f} 秒）" if roster["created"] else "（已存在，复用）")
        + f"；审核员可见人选共 {expected_rows} 条。",
        "",
        "### 结果：导入",
        "",
    ]
    if imports:
        total = [r["preview_s"] + r["confirm_s"] for r in imports]
        peak = max(r["peak_mb"] for r in imports)
        verdict_time = "✅ 达标" if max(total) < IMPORT_BUDGET_S else "❌ 超标"
        last = imports[-1]
        lines += [
            "| 步骤 | 中位 s | 最大 s | 行/秒（中位） | 查询数 | 数据库 s | 峰值 RSS MB | 预算 |",
            "|---|--:|--:|--:|--:|--:|--:|---|",
            _import_row(
                "预览（`import_start` → 校验）",
                [r["preview_s"] for r in imports],
                args.import_rows,
                last["preview_queries"],
                max(r["preview_peak_mb"] for r in imports),
                "",
            ),
            _import_row(
                "确认导入（`import_confirm` → 校验 + 写入）",
                [r["confirm_s"] for r in imports],
                args.import_rows,
                _diff(last["confirm_queries"], last["preview_queries"]),
                peak,
                "",
            ),
            _import_row(
                "**合计**",
                total,
                args.import_rows,
                last["confirm_queries"],
                peak,
                f"< {IMPORT_BUDGET_S:.0f} s：{verdict_time}",
            ),
            "",
            f"- 子进程基线 RSS（Django 启动、读入文件后）{_median([r['baseline_mb'] for r in imports]):.0f} MB；"
            f"预览后峰值 {max(r['preview_peak_mb'] for r in imports):.0f} MB，导入后峰值 {peak:.0f} MB。",
            f"- 导入结果：{_summary_text(last['summary'])}。",
            f"- 清理（不计时）：每次删除 {last['cleanup']['people']} 名人员及其人选等 "
            f"{last['cleanup']['objects']} 行，用时 {last['cleanup_s']:.1f} 秒。",
        ]
    else:
        lines.append("**导入未完成**（见失败列表）。")
    lines += ["", "### 结果：花名册导出", ""]
    if exports:
        lines += [
            "| 导出 | 行数 | 中位 s | 行/秒 | 查询数 | 峰值 RSS MB | 基线 RSS MB | 文件 MB "
            f"| 预算 (峰值 < {EXPORT_BUDGET_MB:.0f} MB) |",
            "|---|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        secs = _median([r["seconds"] for r in exports])
        peak = max(r["peak_mb"] for r in exports)
        verdict = "✅ 达标" if peak < EXPORT_BUDGET_MB else "❌ 超标"
        r = exports[-1]
        lines.append(
            f"| `export_run`（{EXPORT_USER}，不脱敏，xlsx） | {r['rows']} | {secs:.1f} "
            f"| {r['rows'] / secs:.0f} | {r['queries']['count']} | {peak:.0f} "
            f"| {_median([x['baseline_mb'] for x in exports]):.0f} "
            f"| {r['file_bytes'] / 1024 / 1024:.1f} | {verdict} |"
        )
        if rows_only:
            lines.append(
                f"| 对照：只生成行（不写 xlsx） | {rows_only['rows']} | {rows_only['seconds']:.1f} "
                f"| {rows_only['rows'] / rows_only['seconds']:.0f} | {rows_only['queries']['count']} "
                f"| {rows_only['peak_mb']:.0f} | {rows_only['baseline_mb']:.0f} | — | — |"
            )
        if len(exports) > 1:
            lines.append("")
            lines.append(
                f"- 共导出 {len(exports)} 次，用时分别为 "
                + "、".join(f"{x['seconds']:.1f}" for x in exports)
                + " 秒。"
            )
    else:
        lines.append("**导出未完成**（见失败列表）。")
    lines += ["", "### 结论", ""]
    lines += conclusions(args, imports, exports, rows_only)
    if failures:
        lines += ["", "**失败：**", ""] + [f"- {f}" for f in failures]
    lines.append("")
    return "\n".join(lines)


def _diff(after: dict, before: dict) -> dict:
    return {"count": after["count"] - before["count"], "ms": after["ms"] - before["ms"]}


def _import_row(label, seconds, rows, queries, peak, budget) -> str:
    med = _median(seconds)
    return (
        f"| {label} | {med:.2f} | {max(seconds):.2f} | {rows / med:.0f} | {queries['count']} "
        f"| {queries['ms'] / 1000:.2f} | {peak:.0f} | {budget} |"
    )


def _summary_text(summary: dict) -> str:
    return (
        f"{summary.get('rows', 0)} 行，新建人员 {summary.get('people_created', 0)}、"
        f"更新人员 {summary.get('people_updated', 0)}，新建人选 {summary.get('candidacies_created', 0)}、"
        f"未变 {summary.get('candidacies_unchanged', 0)}"
    )


def conclusions(args, imports, exports, rows_only) -> list[str]:
    out = []
    if imports:
        total = max(r["preview_s"] + r["confirm_s"] for r in imports)
        if total < IMPORT_BUDGET_S:
            out.append(
                f"- 导入 {args.import_rows} 行（预览 + 确认）最慢 {total:.1f} 秒，低于 {IMPORT_BUDGET_S:.0f} 秒预算 ✅。"
            )
        else:
            out.append(
                f"- 导入 {args.import_rows} 行最慢 {total:.1f} 秒，**超出** {IMPORT_BUDGET_S:.0f} 秒预算 ❌。"
            )
    if exports:
        peak = max(r["peak_mb"] for r in exports)
        base = _median([r["baseline_mb"] for r in exports])
        if peak < EXPORT_BUDGET_MB:
            out.append(
                f"- 导出 {exports[-1]['rows']} 行峰值 RSS {peak:.0f} MB（其中 Django 基线约 {base:.0f} MB），"
                f"低于 {EXPORT_BUDGET_MB:.0f} MB 预算 ✅。"
            )
        else:
            cause = ""
            if rows_only:
                cause = (
                    f"对照：只生成行、不写 xlsx 时峰值为 {rows_only['peak_mb']:.0f} MB"
                    f"（比基线多 {rows_only['peak_mb'] - rows_only['baseline_mb']:.0f} MB），"
                    f"写 xlsx 时再多约 {peak - rows_only['peak_mb']:.0f} MB。"
                )
            out.append(
                f"- 导出 {exports[-1]['rows']} 行峰值 RSS {peak:.0f} MB，**超出** "
                f"{EXPORT_BUDGET_MB:.0f} MB 预算 ❌。{cause}"
            )
        secs = _median([r["seconds"] for r in exports])
        line = (
            f"- 导出用时（议题未定预算）：{secs:.1f} 秒，{exports[-1]['rows'] / secs:.0f} 行/秒。"
        )
        if rows_only and rows_only["seconds"] < secs:
            share = (secs - rows_only["seconds"]) / secs
            line += (
                f"只生成行（查询、解密身份证号与电话、格式化）用 {rows_only['seconds']:.1f} 秒，"
                f"其余约 {secs - rows_only['seconds']:.0f} 秒（{share:.0%}）花在写 xlsx 上。"
            )
        out.append(line)
    return out or ["- 无结果。"]


if __name__ == "__main__":
    sys.exit(child_main())
