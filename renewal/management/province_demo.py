"""The province demo of ``seed_demo --province``: 内蒙古自治区 with its cities (盟市), counties
(旗县区), townships, units and everything the units hold, sized by ``--units``.

The names and codes of the province, its cities and their counties are the real ones (the
division codes python-stdnum knows); a city needing more counties than it has gets
numbered ones after them. Townships and units are numbered under their parents:
township ``county[:6] + 100…998 + 000``, unit ``township[:9] + 001…199`` (社区) or
``200…998`` (村), so codes are valid by prefix and never collide at any size the command
accepts.

Each county is written in one transaction with PostgreSQL COPY (renewal.kit.bulk), and a
county that already has units is left as it is: a second run with the same options
inserts nothing. The history of the copied rows is recorded set-wise, one statement per
table and county, instead of one trigger call per row (see renewal.kit.bulk). The
province's people have no phone number: each would be one more encryption per person.
"""

import datetime
import math
import random
import time
from dataclasses import dataclass

from django.db import connection, transaction
from stdnum import numdb

from renewal import services
from renewal.demo import demo_round
from renewal.kit import crypto
from renewal.kit import demo as demo_kit
from renewal.kit.bulk import bulk_copy
from renewal.kit.idcard import check_region, make_id_number
from renewal.models import (
    Body,
    Education,
    PartyBranch,
    PartyMember,
    Person,
    PersonTag,
    Post,
    Region,
    RiskPoint,
    Term,
    TermMember,
    Unit,
    UnitSeats,
)

PROVINCE_CODE = "150000000000"
PROVINCE_NAME = "内蒙古自治区"
# The twelve cities and leagues (盟市) of 内蒙古, in code order.
CITIES = [
    ("1501", "呼和浩特市"),
    ("1502", "包头市"),
    ("1503", "乌海市"),
    ("1504", "赤峰市"),
    ("1505", "通辽市"),
    ("1506", "鄂尔多斯市"),
    ("1507", "呼伦贝尔市"),
    ("1508", "巴彦淖尔市"),
    ("1509", "乌兰察布市"),
    ("1522", "兴安盟"),
    ("1525", "锡林郭勒盟"),
    ("1529", "阿拉善盟"),
]
UNITS_PER_COUNTY = 300  # about what a county of 内蒙古 has (和林格尔县: 200)
UNITS_PER_TOWNSHIP = 25
MAX_COUNTIES_PER_CITY = 90  # two code digits; the real ones first, numbered ones after
MAX_TOWNSHIPS_PER_COUNTY = 899  # township digits 100…998
MAX_UNITS = 100_000
# 和林格尔县 is the county demo's; the bench's import file uses the others for its people.
RESERVED_COUNTIES = {"150123", "152622", "150121", "150122", "150221", "150222"}
WORDS = "东西南北前后上下大小新老沙石河沟营湾滩梁坡子口台堡庄峁圪旦窑"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国秀英伟洋静帆磊军敏丽强娟艳杰涛明超华霞平刚桂英玉兰志红春梅海燕凤英金凤文斌宏伟晓东丽娜永刚国华建华淑珍秀兰"
KEY_REASONS = ["班子软弱涣散", "选情复杂", "矛盾纠纷较多"]
RISKS = [
    ("complex", "上届选举竞争激烈，存在拉票苗头"),
    ("clan", "两大姓氏宗族势力较强"),
    ("dispute", "土地流转收益分配纠纷未了结"),
    ("legacy", "集体资产账目历史遗留问题"),
]
# Plain strings, looked up once: the people loop runs millions of times at full size.
EDUCATION = [str(value) for value in Education.values]
EDUCATION_WEIGHTS = [10, 45, 75, 90, 99, 100]
FULL_MEMBER = str(Person.PoliticalStatus.FULL_MEMBER.value)
MASSES = str(Person.PoliticalStatus.MASSES.value)
VETERAN = str(PersonTag.VETERAN.value)
RETURNED_MIGRANT = str(PersonTag.RETURNED_MIGRANT.value)


class LayoutError(ValueError):
    """The requested size does not fit the division codes; the message is Chinese."""


@dataclass(frozen=True)
class CountyPlan:
    code: str  # 12 digits
    name: str
    city_code: str
    units: int

    @property
    def townships(self) -> int:
        return max(1, math.ceil(self.units / UNITS_PER_TOWNSHIP))


def _numdb_name(code6: str) -> str:
    """The current name stdnum gives a 6-digit division code ("" if none)."""
    info = {k: v for _p, props in numdb.get("cn/loc").info(code6) for k, v in props.items()}
    names = [n for n in (info.get("county") or "").split(",") if n]
    current = [n for n in names if not n.startswith("[") or n.split("]")[0].endswith("-")]
    return (current or [""])[-1].split("]")[-1]


def real_counties(city4: str) -> list[tuple[str, str]]:
    """The city's counties (旗县区) stdnum names, code order, without 市辖区 and the
    counties kept for other demos."""
    found = []
    for n in range(1, 100):
        code6 = f"{city4}{n:02d}"
        name = _numdb_name(code6)
        if name and name not in ("市辖区", "市区", "郊区") and code6 not in RESERVED_COUNTIES:
            found.append((code6, name))
    return found


def layout(units: int, cities: int) -> list[CountyPlan]:
    """Cities × counties for ``units`` units: about UNITS_PER_COUNTY units a county."""
    if not 1 <= cities <= len(CITIES):
        raise LayoutError(f"--cities 应在 1 到 {len(CITIES)} 之间。")
    if not 1 <= units <= MAX_UNITS:
        raise LayoutError(f"--units 应在 1 到 {MAX_UNITS} 之间。")
    total_counties = max(cities, math.ceil(units / UNITS_PER_COUNTY))
    per_city = math.ceil(total_counties / cities)
    if per_city > MAX_COUNTIES_PER_CITY:
        per_city = MAX_COUNTIES_PER_CITY
    plans = []
    for city4, _name in CITIES[:cities]:
        real = real_counties(city4)
        used = {code for code, _ in real} | RESERVED_COUNTIES
        numbered = [f"{city4}{n:02d}" for n in range(1, 100) if f"{city4}{n:02d}" not in used]
        names = real + [(code, f"第{i + 1}县") for i, code in enumerate(numbered)]
        for code6, name in names[:per_city]:
            plans.append(CountyPlan(f"{code6}000000", name, f"{city4}00000000", 0))
    # Units dealt out evenly, in county order, so any size is exactly --units.
    base, extra = divmod(units, len(plans))
    plans = [
        CountyPlan(p.code, p.name, p.city_code, base + (1 if i < extra else 0))
        for i, p in enumerate(plans)
    ]
    plans = [p for p in plans if p.units]
    if any(p.townships > MAX_TOWNSHIPS_PER_COUNTY for p in plans):
        raise LayoutError("每个区县的乡镇数量超过区划代码容量（899），请增加 --cities。")
    return plans


def township_code(county_code: str, index: int) -> str:
    return f"{county_code[:6]}{index + 100:03d}000"


def unit_code(township: str, seq: int, community: bool) -> str:
    """seq from 1: 社区 001…199, 村 201…998 (UNITS_PER_TOWNSHIP keeps both far below)."""
    return f"{township[:9]}{seq if community else 200 + seq:03d}"


def id_regions() -> list[str]:
    """Division codes of 内蒙古 valid in ID numbers of everyone born up to 2000, without
    those of the county demo and the bench's import file (their people never collide)."""
    pool = []
    for city4, _name in CITIES:
        for n in range(1, 100):
            code6 = f"{city4}{n:02d}"
            if code6 not in RESERVED_COUNTIES and not check_region(code6, 2000):
                pool.append(code6)
    return pool


# --- Building ---------------------------------------------------------------------------------


class ProvinceBuilder:
    def __init__(self, *, units: int, cities: int, candidacies: int, creator, stdout):
        self.plans = layout(units, cities)
        self.candidacies = candidacies
        self.creator = creator
        self.stdout = stdout
        self.id_pool = id_regions()
        self.seconds: dict[str, float] = {}

    def _tick(self, step: str, started: float) -> None:
        self.seconds[step] = self.seconds.get(step, 0.0) + time.monotonic() - started

    def regions(self) -> tuple[Region, dict[str, Region], dict[str, Region]]:
        province, _ = Region.objects.update_or_create(
            code=PROVINCE_CODE, defaults={"name": PROVINCE_NAME, "kind": Region.Kind.PROVINCE}
        )
        cities = {}
        for city4, name in CITIES:
            if any(p.city_code.startswith(city4) for p in self.plans):
                cities[city4], _ = Region.objects.update_or_create(
                    code=f"{city4}00000000",
                    defaults={"name": name, "kind": Region.Kind.CITY, "parent": province},
                )
        # The county demo's 和林格尔县 belongs to 呼和浩特市: the province's reviewers see it.
        if "1501" in cities:
            Region.objects.filter(
                kind=Region.Kind.COUNTY, code="150123000000", parent__isnull=True
            ).update(parent=cities["1501"])
        counties = {}
        for plan in self.plans:
            counties[plan.code], _ = Region.objects.update_or_create(
                code=plan.code,
                defaults={
                    "name": plan.name,
                    "kind": Region.Kind.COUNTY,
                    "parent": cities[plan.city_code[:4]],
                },
            )
        return province, cities, counties

    def build(self) -> dict:
        started = time.monotonic()
        province, cities, counties = self.regions()
        self.stdout.write(
            f"{PROVINCE_NAME}：{len(cities)} 个市(盟)、{len(counties)} 个区县，"
            f"共 {sum(p.units for p in self.plans)} 个村(社区)。"
        )
        built = skipped = 0
        for n, plan in enumerate(self.plans, start=1):
            county = counties[plan.code]
            if Unit.objects.filter(county=county).exists():
                skipped += 1
                continue
            with transaction.atomic():
                self.county(county, plan)
            built += 1
            if n % 10 == 0 or n == len(self.plans):
                self.stdout.write(
                    f"  区县 {n}/{len(self.plans)}（新建 {built} 个，"
                    f"{time.monotonic() - started:.0f} 秒）"
                )
        t0 = time.monotonic()
        if built:
            for county in counties.values():
                services.units_refresh_stages(county=county)
        self._tick("stages", t0)
        if built:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {
            "province": province,
            "cities": cities,
            "counties": counties,
            "built": built,
            "skipped": skipped,
        }

    def county(self, county: Region, plan: CountyPlan) -> None:
        t0 = time.monotonic()
        rnd = demo_round(county)
        townships = self._townships(county, plan)
        self._tick("regions and round", t0)
        units = self._units(county, townships, plan.units)
        members, residents = self._people(units)
        t0 = time.monotonic()
        UnitSeats.objects.bulk_create(
            [
                UnitSeats(
                    round=rnd,
                    unit_id=pk,
                    party=rnd.party_seats_default,
                    villagers=rnd.villagers_seats_default,
                )
                for pk, *_rest in units
            ],
            batch_size=5000,
        )
        self._tick("seats", t0)
        bulk = demo_kit.BulkCounty(
            county=county,
            round=rnd,
            units=[unit[:3] for unit in units],
            members=members,
            residents=residents,
            creator=self.creator,
            candidacies_per_unit=self.candidacies,
            stdout=self.stdout,
        )
        for name, seeder in demo_kit.bulk_seeders():
            t0 = time.monotonic()
            seeder(bulk)
            self._tick(name, t0)

    def _townships(self, county: Region, plan: CountyPlan) -> list[Region]:
        rng = random.Random(f"townships{county.code}")
        existing = {r.code: r for r in Region.objects.filter(parent=county)}
        seen, new = set(), []
        for i in range(plan.townships):
            code = township_code(county.code, i)
            if code in existing:
                continue
            subdistrict = i == 0 and plan.townships >= 4
            name = rng.choice(WORDS) + rng.choice(WORDS)
            while name in seen:
                name += rng.choice(WORDS)
            seen.add(name)
            new.append(
                Region(
                    code=code,
                    name=name + ("街道" if subdistrict else "镇" if i % 3 else "乡"),
                    kind=Region.Kind.SUBDISTRICT if subdistrict else Region.Kind.TOWNSHIP,
                    parent=county,
                )
            )
        Region.objects.bulk_create(new)
        return list(Region.objects.filter(parent=county).order_by("code"))[: plan.townships]

    def _units(self, county, townships, total) -> list[tuple[int, str, str, str]]:
        """The county's units, COPYed; (id, code, kind, name) in code order."""
        t0 = time.monotonic()
        rows, risks = [], []
        for i in range(total):
            township = townships[i % len(townships)]
            seq = i // len(townships) + 1
            community = township.kind == Region.Kind.SUBDISTRICT or seq % 9 == 0
            code = unit_code(township.code, seq, community)
            rng = random.Random(code)
            population = rng.randint(2500, 12000) if community else rng.randint(600, 4800)
            is_key = rng.random() < 0.08
            rows.append(
                (
                    code,
                    rng.choice(WORDS) + rng.choice(WORDS) + ("社区" if community else "村"),
                    Unit.Kind.COMMUNITY if community else Unit.Kind.VILLAGE,
                    township.pk,
                    county.pk,
                    population,
                    population // rng.randint(3, 4),
                    rng.randint(3, 12),
                    is_key,
                    rng.choice(KEY_REASONS) if is_key else "",
                    datetime.date(2026, 11, rng.randint(1, 20)) if rng.random() < 0.7 else None,
                )
            )
        ids = bulk_copy(
            Unit,
            [
                "code",
                "name",
                "kind",
                "township_id",
                "county_id",
                "population",
                "households",
                "groups",
                "is_key",
                "key_reasons",
                "risk_assessed_on",
            ],
            rows,
            count=len(rows),
        )
        for pk, row in zip(ids, rows, strict=True):
            if row[8]:
                for category, text in random.Random(f"risk{row[0]}").sample(RISKS, 2):
                    risks.append((pk, category, text))
        bulk_copy(RiskPoint, ["unit_id", "category", "description"], risks, count=len(risks))
        self._tick("units", t0)
        return [(pk, row[0], row[2], row[1]) for pk, row in zip(ids, rows, strict=True)]

    # --- people, rosters, previous terms ----------------------------------------------------

    def _person(
        self, rng: random.Random, used: set, *, party: bool, women=False, young=False, sex=None
    ):
        sex = sex or ("F" if women or rng.random() < 0.3 else "M")
        while True:
            year = rng.randint(1990, 2000) if young else rng.randint(1958, 1998)
            born = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            region6 = rng.choice(self.id_pool)
            serial = rng.randrange(500)
            if (region6, born, serial, sex) not in used:
                used.add((region6, born, serial, sex))
                break
        id_number = make_id_number(region6, born, serial, sex)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if rng.random() < 0.6:
            name += rng.choice(GIVEN)
        tags = []
        if rng.random() < 0.06:
            tags.append(VETERAN)
        if rng.random() < 0.08:
            tags.append(RETURNED_MIGRANT)
        return [
            name,
            sex,
            born,
            id_number,
            crypto.blind_index(id_number, purpose="id"),
            rng.choices(EDUCATION, cum_weights=EDUCATION_WEIGHTS)[0],
            FULL_MEMBER if party else MASSES,
            datetime.date(max(year + 20, 1980), rng.randint(1, 12), 1) if party else None,
            tags,
        ]

    def _people(self, units):
        t0 = time.monotonic()
        used: set = set()
        plans, people = [], []
        for pk, code, kind, name in units:
            rng = random.Random(f"people{code}")
            size = rng.randint(18, 60) if kind == Unit.Kind.VILLAGE else rng.randint(30, 90)
            first = len(people)
            for n in range(size):
                people.append(self._person(rng, used, party=True, young=n < 3))
            for n in range(3):
                people.append(self._person(rng, used, party=False, women=n == 0))
            plans.append((pk, code, kind, name, first, size, rng))
        self._avoid_existing(people, used)
        self._tick("people (generate)", t0)
        t0 = time.monotonic()
        person_ids = bulk_copy(
            Person,
            [
                "name",
                "sex",
                "birth_date",
                "id_number",
                "id_number_hash",
                "education",
                "political_status",
                "party_joined_on",
                "tags",
            ],
            people,
            count=len(people),
        )
        self._tick("people (copy)", t0)
        t0 = time.monotonic()
        branch_rows = []
        for pk, _code, _kind, name, _first, size, _rng in plans:
            general = size >= 50
            branch_rows.append(
                (
                    pk,
                    f"中共{name}{'总支部委员会' if general else '支部委员会'}",
                    PartyBranch.Kind.GENERAL_BRANCH if general else PartyBranch.Kind.BRANCH,
                )
            )
        branch_ids = bulk_copy(
            PartyBranch, ["unit_id", "name", "kind"], branch_rows, count=len(branch_rows)
        )
        roster, terms, seats = [], [], []
        members: dict[int, list] = {}
        residents: dict[int, list] = {}
        for (pk, _code, _kind, _name, first, size, rng), branch_id in zip(
            plans, branch_ids, strict=True
        ):
            unit_members = []
            for n in range(size):
                row = people[first + n]
                status = "probationary" if n > 5 and rng.random() < 0.05 else "full"
                probation = n > 5 and rng.random() < 0.01
                roster.append((branch_id, person_ids[first + n], status, probation, row[7]))
                unit_members.append(
                    (person_ids[first + n], row[1], status == "full" and not probation)
                )
            extra = person_ids[first + size : first + size + 3]
            members[pk] = unit_members
            residents[pk] = person_ids[first : first + size + 3]
            full = [m[0] for m in unit_members if m[2]]
            party_people = rng.sample(full, 5 if len(full) >= 25 else 3)
            posts = [Post.SECRETARY, Post.DEPUTY_SECRETARY] + [Post.PARTY_MEMBER] * (
                len(party_people) - 2
            )
            director = party_people[0] if rng.random() < 0.6 else extra[1]
            villagers = [director, extra[2], extra[0]]
            if rng.random() < 0.5:
                villagers.append(party_people[2])
            vposts = [Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.WOMEN_MEMBER] + [
                Post.COMMITTEE_MEMBER
            ] * (len(villagers) - 3)
            terms.append((pk, Body.PARTY, datetime.date(2021, 3, 10)))
            terms.append((pk, Body.VILLAGERS, datetime.date(2021, 5, 20)))
            seats.append(list(zip(party_people, posts, strict=True)))
            seats.append(list(zip(villagers, vposts, strict=True)))
        bulk_copy(
            PartyMember,
            ["branch_id", "person_id", "status", "on_probation", "joined_on"],
            roster,
            count=len(roster),
        )
        term_ids = bulk_copy(Term, ["unit_id", "body", "elected_on"], terms, count=len(terms))
        seat_rows = [
            (term_id, person, post)
            for term_id, term_seats in zip(term_ids, seats, strict=True)
            for person, post in term_seats
        ]
        bulk_copy(TermMember, ["term_id", "person_id", "post"], seat_rows, count=len(seat_rows))
        self._tick("rosters and terms", t0)
        return members, residents

    def _avoid_existing(self, people: list, used: set) -> None:
        """Redraw the few generated ID numbers someone already in the database has, and again
        while a redrawn one is taken too: at millions of people, a redrawn number can belong
        to someone else in the database."""
        clashing = people
        while clashing:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id_number_hash FROM renewal_person WHERE id_number_hash = ANY(%s)",
                    [[row[4] for row in clashing]],
                )
                taken = {row[0] for row in cursor.fetchall()}
            clashing = [row for row in clashing if row[4] in taken]
            for row in clashing:
                party = row[6] != MASSES
                rng = random.Random(row[4])
                row[1:] = self._person(rng, used, party=party, sex=row[1])[1:]
