"""Build a realistic demo county: deterministic, idempotent, bulk-inserted.

The county is 和林格尔县 (from its 2021 renewal report). Every value comes from a seeded random
generator, so two runs produce the same rows; a second run inserts nothing.

``--province`` builds a 内蒙古自治区-shaped province instead (renewal/management/province_demo.py):
cities, counties, townships and ``--units`` units, loaded with COPY.
"""

import datetime
import random
import time

import pghistory
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries, transaction

from renewal import services
from renewal.demo import demo_round
from renewal.kit import crypto, demo, second_factor
from renewal.kit.idcard import make_id_number
from renewal.management import province_demo
from renewal.models import (
    Body,
    Department,
    Education,
    PartyBranch,
    PartyMember,
    Person,
    PersonTag,
    Post,
    Profile,
    Region,
    RiskPoint,
    Term,
    TermMember,
    Unit,
    UnitSeats,
)

COUNTY_CODE = "150123000000"
COUNTY_NAME = "和林格尔县"
TOWNSHIP_NAMES = [
    ("城关镇", "township"),
    ("盛乐镇", "township"),
    ("新店子镇", "township"),
    ("舍必崖乡", "township"),
    ("大红城乡", "township"),
    ("黑老夭乡", "township"),
    ("羊群沟乡", "township"),
    ("巧什营镇", "township"),
    ("盛乐经济园区街道", "subdistrict"),
    ("城关街道", "subdistrict"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国秀英伟洋静帆磊军敏丽强娟艳杰涛明超华霞平刚桂英玉兰志红春梅海燕凤英金凤文斌宏伟晓东丽娜永刚国华建华淑珍秀兰"
VILLAGE_WORDS = "东西南北前后上下大小新老沙石河沟营湾滩梁坡子口台堡庄峁圪旦窑"
RISKS = [
    ("complex", "上届选举竞争激烈，存在拉票苗头"),
    ("clan", "两大姓氏宗族势力较强"),
    ("dispute", "土地流转收益分配纠纷未了结"),
    ("legacy", "集体资产账目历史遗留问题"),
    ("dispute", "征地拆迁补偿矛盾"),
]
DEMO_PASSWORD = "Hjt-demo-2026"
DEMO_USERS = [
    # username, full name, role, region key ("county" or township index), department code
    ("admin", "系统管理员", Profile.Role.ADMIN, None, None),
    ("zuzhibu", "县委组织部审核员", Profile.Role.COUNTY_REVIEWER, "county", None),
    ("jiwei", "县纪委监委干部", Profile.Role.DISCIPLINE_OFFICER, "county", None),
    ("gongan", "县公安局联审员", Profile.Role.DEPARTMENT_USER, None, "police"),
    ("chengguan", "城关镇工作人员", Profile.Role.TOWNSHIP_STAFF, 0, None),
    ("chengguan_sj", "城关镇党委书记", Profile.Role.TOWNSHIP_LEADER, 0, None),
    ("shengle", "盛乐镇工作人员", Profile.Role.TOWNSHIP_STAFF, 1, None),
]
# The province demo's accounts: username, full name, role, region kind (the province, or its
# first city).
PROVINCE_USERS = [
    ("shengzuzhibu", "省委组织部审核人员", Profile.Role.PROVINCE_REVIEWER, "province"),
    ("shizuzhibu", "市委组织部审核人员", Profile.Role.CITY_REVIEWER, "city"),
]


class Command(BaseCommand):
    help = (
        "生成演示数据：一个县、乡镇(街道)、村(社区)、党组织与党员名册、上届班子和各角色账号。"
        "加 --province 则生成一个省（内蒙古自治区）：若干市(盟)、区县、乡镇和 --units 个村(社区)，"
        "以及党员名册、上届班子、初步人选与选民登记，并建省、市两级审核人员账号。"
        "省级演示数据用 PostgreSQL COPY 批量写入：写入时跳过逐行的变更记录触发器，"
        "改为每个区县每张表用一条语句补记同样的“新增”变更记录（内容与逐行记录相同）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--units",
            type=int,
            default=200,
            help="村(社区)数量（--province 时为全省总数），默认 200",
        )
        parser.add_argument("--seed", type=int, default=2026, help="随机种子")
        parser.add_argument(
            "--province", action="store_true", help="生成省级演示数据（内蒙古自治区）"
        )
        parser.add_argument(
            "--cities", type=int, default=2, help="--province 时的市(盟)数量，1 到 12，默认 2"
        )
        parser.add_argument(
            "--candidacies",
            type=int,
            default=4,
            help="--province 时每个村(社区)的初步人选数，0 到 20，默认 4",
        )

    def handle(self, *args, units, seed, province, cities, candidacies, **options):
        if not 1 <= units <= 100_000:
            raise CommandError("--units 应在 1 到 100000 之间。")
        if province:
            return self._province(units=units, cities=cities, candidacies=candidacies)
        self.rng = random.Random(seed)
        started = time.monotonic()
        with pghistory.context(command="seed_demo"):
            county, townships = self._regions(units)
            unit_rows = self._units(county, townships, units)
            self._branches_and_people(unit_rows)
            rnd = demo_round(county)
            self._seat_defaults(rnd)
            users = self._users(county, townships)
            self._seat_changes(rnd, townships[0], users)
            demo_county = demo.DemoCounty(county, townships, rnd, users, self.stdout)
            for _name, seeder in demo.seeders():
                seeder(demo_county)
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已就绪，用时 {time.monotonic() - started:.1f} 秒。")
        )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        bound = {
            user.username
            for user in get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS])
            if second_factor.required_for(user)
        }
        for username, name, role, _, _ in DEMO_USERS:
            mark = " *" if username in bound else ""
            self.stdout.write(f"  {username:14} {Profile.Role(role).label}（{name}）{mark}")
        if bound:
            self.stdout.write(
                "标 * 的账号第一次登录时，输入密码后须用手机上的身份验证器应用绑定动态口令"
                "（TWO_FACTOR_REQUIRED_ROLES，见 README“安全”一节）。"
            )

    # --- the province ----------------------------------------------------------------------

    def _province(self, *, units, cities, candidacies):
        if not 0 <= candidacies <= 20:
            raise CommandError("--candidacies 应在 0 到 20 之间。")
        started = time.monotonic()
        with pghistory.context(command="seed_demo --province"):
            admin = self._account("admin", "系统管理员")
            services.account_assign_role(user=admin, role=Profile.Role.ADMIN)
            try:
                builder = province_demo.ProvinceBuilder(
                    units=units,
                    cities=cities,
                    candidacies=candidacies,
                    creator=admin,
                    stdout=self.stdout,
                )
            except province_demo.LayoutError as error:
                raise CommandError(str(error)) from None
            built = builder.build()
            regions = {"province": built["province"], "city": next(iter(built["cities"].values()))}
            users = {"admin": admin}
            for username, full_name, role, kind in PROVINCE_USERS:
                users[username] = user = self._account(username, full_name)
                services.account_assign_role(user=user, role=role, region=regions[kind])
            area = demo.DemoProvince(
                province=built["province"], cities=built["cities"], users=users, stdout=self.stdout
            )
            for _name, seeder in demo.area_seeders():
                seeder(area)
        self.stdout.write(
            self.style.SUCCESS(
                f"省级演示数据已就绪：新建 {built['built']} 个区县，"
                f"已有 {built['skipped']} 个未改动，用时 {time.monotonic() - started:.1f} 秒。"
            )
        )
        if builder.seconds:
            self.stdout.write(
                "各步用时（秒）："
                + "，".join(f"{step} {sec:.1f}" for step, sec in builder.seconds.items())
            )
        self.stdout.write(f"省级演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, kind in PROVINCE_USERS:
            region = regions[kind]
            self.stdout.write(
                f"  {username:14} {Profile.Role(role).label}（{full_name}，{region.name}）"
            )

    def _account(self, username, full_name):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"first_name": full_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user

    # --- regions and units -------------------------------------------------------------

    def _regions(self, units):
        county, _ = Region.objects.update_or_create(
            code=COUNTY_CODE, defaults={"name": COUNTY_NAME, "kind": Region.Kind.COUNTY}
        )
        count = max(len(TOWNSHIP_NAMES), -(-units // 25))
        if count > 999:
            raise CommandError("乡镇数量超过区划代码容量（999）。")
        townships = []
        for i in range(count):
            if i < len(TOWNSHIP_NAMES):
                name, kind = TOWNSHIP_NAMES[i]
            else:
                name, kind = f"第{i + 1}乡", "township"
            code = (
                f"{COUNTY_CODE[:6]}{i + 100:03d}000" if i < 900 else f"{COUNTY_CODE[:6]}{i:03d}000"
            )
            t, _ = Region.objects.update_or_create(
                code=code, defaults={"name": name, "kind": kind, "parent": county}
            )
            townships.append(t)
        self.stdout.write(f"区县 1 个，乡镇(街道) {len(townships)} 个。")
        return county, townships

    def _units(self, county, townships, total):
        existing = set(Unit.objects.filter(county=county).values_list("code", flat=True))
        rows, new = [], []
        for i in range(total):
            township = townships[i % len(townships)]
            seq = i // len(townships) + 1
            is_community = township.kind == "subdistrict" or seq % 9 == 0
            number = seq if is_community else 200 + seq
            code = f"{township.code[:9]}{number:03d}"
            rng = random.Random(f"{code}")
            name = (
                rng.choice(VILLAGE_WORDS)
                + rng.choice(VILLAGE_WORDS)
                + ("社区" if is_community else "村")
            )
            population = rng.randint(600, 4800) if not is_community else rng.randint(2500, 12000)
            households = population // rng.randint(3, 4)
            is_key = rng.random() < 0.08
            unit = Unit(
                code=code,
                name=f"{name}" if seq < 400 else f"{name}{seq}",
                kind=Unit.Kind.COMMUNITY if is_community else Unit.Kind.VILLAGE,
                township=township,
                county=county,
                population=population,
                households=households,
                groups=rng.randint(3, 12),
                is_key=is_key,
                key_reasons=rng.choice(["班子软弱涣散", "选情复杂", "矛盾纠纷较多"])
                if is_key
                else "",
                risk_assessed_on=datetime.date(2026, 11, rng.randint(1, 20))
                if rng.random() < 0.7
                else None,
            )
            rows.append(unit)
            if code not in existing:
                new.append(unit)
        Unit.objects.bulk_create(new, batch_size=2000)
        by_code = dict(Unit.objects.filter(county=county).values_list("code", "pk"))
        for unit in rows:
            unit.pk = by_code[unit.code]
        risk_new = []
        have_risks = set(
            RiskPoint.objects.filter(unit__county=county).values_list("unit_id", flat=True)
        )
        for unit in rows:
            if unit.is_key and unit.pk not in have_risks:
                rng = random.Random(f"risk{unit.code}")
                for category, text in rng.sample(RISKS, 2):
                    risk_new.append(RiskPoint(unit_id=unit.pk, category=category, description=text))
        RiskPoint.objects.bulk_create(risk_new)
        self.stdout.write(f"村(社区) {len(rows)} 个（新增 {len(new)} 个）。")
        return rows

    # --- people ---------------------------------------------------------------------------

    def _unique_person(self, rng, known_hashes, serial, **kwargs):
        """A new person whose ID number is not used yet (another serial on a clash)."""
        for attempt in range(50):
            person = self._person(rng, serial + attempt * 997, **kwargs)
            if person.id_number_hash not in known_hashes:
                known_hashes.add(person.id_number_hash)
                return person
        raise CommandError("无法生成不重复的身份证号码。")

    def _person(self, rng, serial, *, party: bool, women: bool = False, young=False):
        sex = "F" if women or rng.random() < 0.3 else "M"
        year = rng.randint(1990, 2000) if young else rng.randint(1958, 1998)
        born = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
        region6 = "152622" if year < 1995 else "150123"
        id_number = make_id_number(region6, born, serial, sex)
        name = (
            rng.choice(SURNAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        )
        edu = rng.choices(Education.values, weights=[10, 35, 30, 15, 9, 1])[0]
        tags = []
        if rng.random() < 0.06:
            tags.append(PersonTag.VETERAN)
        if rng.random() < 0.08:
            tags.append(PersonTag.RETURNED_MIGRANT)
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"
        person = Person(
            name=name,
            sex=sex,
            birth_date=born,
            education=edu,
            political_status=Person.PoliticalStatus.FULL_MEMBER
            if party
            else Person.PoliticalStatus.MASSES,
            party_joined_on=datetime.date(max(year + 20, 1980), rng.randint(1, 12), 1)
            if party
            else None,
            tags=tags,
        )
        person.id_number = id_number
        person.id_number_hash = crypto.blind_index(id_number, purpose="id")
        person.phone = phone
        person.phone_hash = crypto.blind_index(phone, purpose="phone")
        return person

    def _branches_and_people(self, units):
        have_branch = set(
            PartyBranch.objects.filter(unit__in=[u.pk for u in units]).values_list(
                "unit_id", flat=True
            )
        )
        known_hashes = set(Person.objects.values_list("id_number_hash", flat=True))
        start = time.monotonic()
        batch = 500
        for offset in range(0, len(units), batch):
            chunk = [u for u in units[offset : offset + batch] if u.pk not in have_branch]
            if chunk:
                with transaction.atomic():
                    self._people_for(chunk, known_hashes)
                reset_queries()
            done = min(offset + batch, len(units))
            if done % 2000 == 0 or done == len(units):
                self.stdout.write(
                    f"  党组织与人员：{done}/{len(units)}（{time.monotonic() - start:.0f} 秒）"
                )

    def _people_for(self, units, known_hashes):
        branches, people, plans = [], [], []
        for unit in units:
            rng = random.Random(f"people{unit.code}")
            size = rng.randint(18, 60) if unit.kind == Unit.Kind.VILLAGE else rng.randint(30, 90)
            kind = PartyBranch.Kind.BRANCH if size < 50 else PartyBranch.Kind.GENERAL_BRANCH
            serial_base = int(unit.code[6:]) * 7
            members = []
            for n in range(size):
                p = self._unique_person(rng, known_hashes, serial_base + n, party=True, young=n < 3)
                status = "probationary" if n > 5 and rng.random() < 0.05 else "full"
                members.append((p, status, n > 5 and rng.random() < 0.01))
            extra = [
                self._unique_person(
                    rng, known_hashes, serial_base + size + n, party=False, women=n == 0
                )
                for n in range(3)
            ]
            branches.append(
                PartyBranch(
                    unit_id=unit.pk,
                    name=f"中共{unit.name}{'总支部委员会' if kind == 'general_branch' else '支部委员会'}",
                    kind=kind,
                )
            )
            people.extend(p for p, _, _ in members)
            people.extend(extra)
            plans.append((unit, members, extra, rng))
        PartyBranch.objects.bulk_create(branches)
        Person.objects.bulk_create(people, batch_size=2000)
        branch_ids = dict(
            PartyBranch.objects.filter(unit__in=[u.pk for u in units]).values_list("unit_id", "pk")
        )
        roster, terms, seats = [], [], []
        for unit, members, extra, rng in plans:
            for person, status, probation in members:
                roster.append(
                    PartyMember(
                        branch_id=branch_ids[unit.pk],
                        person=person,
                        status=status,
                        on_probation=probation,
                        joined_on=person.party_joined_on,
                    )
                )
            full = [p for p, s, probation in members if s == "full" and not probation]
            party_term = Term(
                unit_id=unit.pk, body=Body.PARTY, elected_on=datetime.date(2021, 3, 10)
            )
            villagers_term = Term(
                unit_id=unit.pk, body=Body.VILLAGERS, elected_on=datetime.date(2021, 5, 20)
            )
            terms.extend([party_term, villagers_term])
            party_people = rng.sample(full, 5 if len(full) >= 25 else 3)
            posts = [Post.SECRETARY, Post.DEPUTY_SECRETARY] + [Post.PARTY_MEMBER] * (
                len(party_people) - 2
            )
            seats.extend((party_term, p, post) for p, post in zip(party_people, posts, strict=True))
            # Often the secretary is also the director (一肩挑); some members sit on both.
            director = party_people[0] if rng.random() < 0.6 else extra[1]
            villagers = [director, extra[2], extra[0]]
            if rng.random() < 0.5:
                villagers.append(party_people[2])
            vposts = [Post.DIRECTOR, Post.DEPUTY_DIRECTOR, Post.WOMEN_MEMBER] + [
                Post.COMMITTEE_MEMBER
            ] * (len(villagers) - 3)
            seats.extend(
                (villagers_term, p, post) for p, post in zip(villagers, vposts, strict=True)
            )
        PartyMember.objects.bulk_create(roster, batch_size=5000)
        Term.objects.bulk_create(terms)
        TermMember.objects.bulk_create(
            [TermMember(term=t, person=p, post=post) for t, p, post in seats], batch_size=5000
        )

    # --- round, seats, users ----------------------------------------------------------------

    def _seat_defaults(self, rnd):
        have = set(UnitSeats.objects.filter(round=rnd).values_list("unit_id", flat=True))
        missing = (
            Unit.objects.filter(county=rnd.county).exclude(pk__in=have).values_list("pk", flat=True)
        )
        UnitSeats.objects.bulk_create(
            [
                UnitSeats(
                    round=rnd,
                    unit_id=pk,
                    party=rnd.party_seats_default,
                    villagers=rnd.villagers_seats_default,
                )
                for pk in missing
            ],
            batch_size=5000,
        )

    def _seat_changes(self, rnd, township, users):
        """A few requests at each step, so every approver has something in their queue."""
        if rnd.seat_changes.exists():
            return
        units = list(Unit.objects.filter(township=township).order_by("code")[:3])
        if len(units) < 3:
            return
        staff, leader = users["chengguan"], users["chengguan_sj"]
        reason = "户籍人口多、党员人数多，工作任务重，申请增加职数。"
        services.seat_change_request(
            actor=staff, unit=units[0], body=Body.PARTY, requested=7, reason=reason
        )
        second = services.seat_change_request(
            actor=staff, unit=units[1], body=Body.VILLAGERS, requested=7, reason=reason
        )
        services.seat_change_decide(actor=leader, change=second, approve=True, comment="同意上报")
        services.seat_change_request(
            actor=staff,
            unit=units[2],
            body=Body.VILLAGERS,
            requested=3,
            reason="人口较少，按三名配备。",
        )

    def _users(self, county, townships):
        User = get_user_model()
        users = {}
        for username, full_name, role, region_key, dept in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": full_name}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            region = (
                county
                if region_key == "county"
                else (townships[region_key] if isinstance(region_key, int) else None)
            )
            department = Department.objects.get(code=dept) if dept else None
            services.account_assign_role(user=user, role=role, region=region, department=department)
            users[username] = user
        return users
