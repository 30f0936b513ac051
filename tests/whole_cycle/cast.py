"""The people of the whole-cycle test: who is on which roster and register, who stands.

Two villages and one community of 城关镇. In 大红城村 two party members are both called 张伟;
they are told apart by their ID numbers (and on the ballot by their birth years), one is
elected secretary and then villagers' director (一肩挑), the other is not elected.
"""

import datetime
from dataclasses import dataclass

from renewal.kit.idcard import make_id_number
from renewal.roster.importer import EDUCATIONS as EDUCATION_CODES  # noqa: F401  (label -> code)

REGION6 = "150123"  # 和林格尔县


@dataclass(frozen=True)
class Member:
    """A person of the cast; ``status`` is the party status on the unit's roster ("" if none)."""

    key: str
    name: str
    sex: str
    birth_date: datetime.date
    education: str  # the label as the roster export writes it
    status: str = ""  # 正式党员 / 预备党员 / ""
    joined_on: datetime.date | None = None
    regularized_on: datetime.date | None = None
    seq: int = 0

    @property
    def id_number(self) -> str:
        return make_id_number(REGION6, self.birth_date, self.seq, self.sex)

    @property
    def is_party_member(self) -> bool:
        return bool(self.status)


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _people(unit_index: int, rows) -> list[Member]:
    people = []
    for i, (key, name, sex, birth, education, status, joined) in enumerate(rows):
        joined_on = _d(joined) if joined else None
        regularized = None
        if status == "正式党员" and joined_on:
            regularized = joined_on.replace(year=joined_on.year + 1)
        people.append(
            Member(
                key=key,
                name=name,
                sex=sex,
                birth_date=_d(birth),
                education=education,
                status=status,
                joined_on=joined_on,
                regularized_on=regularized,
                seq=unit_index * 40 + i + 1,
            )
        )
    return people


FULL, PROBATIONARY = "正式党员", "预备党员"

# unit key -> people; the unit keys are those of tests.whole_cycle.world.
PEOPLE = {
    "unit_a1": _people(
        0,
        [
            ("zhangwei80", "张伟", "M", "1980-03-12", "高中", FULL, "2005-07-01"),
            ("zhangwei90", "张伟", "M", "1990-08-20", "大学专科", FULL, "2015-06-18"),
            ("lixiuying", "李秀英", "F", "1985-06-01", "大学专科", FULL, "2010-07-01"),
            ("wangjianguo", "王建国", "M", "1975-02-02", "初中", FULL, "2000-07-01"),
            ("liujianhua", "刘建华", "M", "1968-04-15", "初中", FULL, "1995-07-01"),
            ("chenguilan", "陈桂兰", "F", "1972-09-09", "小学", FULL, "1998-07-01"),
            ("yangshulin", "杨树林", "M", "1966-11-30", "初中", FULL, "1990-07-01"),
            ("huangzhiqiang", "黄志强", "M", "1978-01-25", "高中", FULL, "2003-07-01"),
            ("zhaoyongfu", "赵永福", "M", "1963-05-05", "小学", FULL, "1988-07-01"),
            ("zhouyulan", "周玉兰", "F", "1981-12-12", "高中", FULL, "2008-07-01"),
            ("wudeming", "吴德明", "M", "1970-03-03", "初中", FULL, "1996-07-01"),
            ("sunxiaohong", "孙小红", "F", "1998-02-14", "大学本科", PROBATIONARY, "2026-03-01"),
            ("mafusheng", "马福生", "M", "1960-10-10", "初中", FULL, "1985-07-01"),
            ("zhaodayong", "赵大勇", "M", "1983-07-07", "高中", "", ""),
            ("qianxiaomei", "钱小梅", "F", "1987-04-04", "大学专科", "", ""),
            ("songtao", "宋涛", "M", "1979-08-08", "初中", "", ""),
            ("hanxue", "韩雪", "F", "1993-05-20", "大学本科", "", ""),
            ("fengchunsheng", "冯春生", "M", "1969-06-16", "初中", "", ""),
            ("dongliping", "董丽萍", "F", "1976-03-21", "高中", "", ""),
            ("xiaojun", "肖军", "M", "1988-10-01", "高中", "", ""),
            ("caiyun", "蔡云", "F", "1991-01-11", "初中", "", ""),
        ],
    ),
    "unit_a2": _people(
        1,
        [
            ("liuyang", "刘洋", "M", "1982-05-18", "大学本科", FULL, "2006-07-01"),
            ("chenjing", "陈静", "F", "1988-09-27", "大学专科", FULL, "2012-07-01"),
            ("yangfan", "杨帆", "M", "1992-02-03", "大学本科", FULL, "2016-07-01"),
            ("zhaolei", "赵磊", "M", "1979-12-01", "高中", FULL, "2004-07-01"),
            ("heli", "何丽", "F", "1974-07-07", "高中", FULL, "2001-07-01"),
            ("guoqiang", "郭强", "M", "1967-03-13", "初中", FULL, "1994-07-01"),
            ("linhai", "林海", "M", "1971-08-18", "高中", FULL, "1999-07-01"),
            ("luomin", "罗敏", "F", "1984-11-11", "大学专科", FULL, "2009-07-01"),
            ("gaofeng", "高峰", "M", "1977-06-06", "高中", FULL, "2002-07-01"),
            ("liangwei", "梁伟", "M", "1965-01-09", "初中", FULL, "1992-07-01"),
            ("xuehui", "薛慧", "F", "1986-02-22", "大学本科", "", ""),
            ("pengbo", "彭博", "M", "1990-04-14", "大学专科", "", ""),
            ("lufang", "卢芳", "F", "1980-10-30", "高中", "", ""),
            ("jiangtao", "蒋涛", "M", "1975-12-25", "高中", "", ""),
            ("cuiying", "崔颖", "F", "1994-09-09", "大学本科", "", ""),
            ("panjie", "潘杰", "M", "1983-03-31", "高中", "", ""),
        ],
    ),
    "unit_a3": _people(
        2,
        [
            ("sunli", "孙丽", "F", "1983-04-22", "大学专科", FULL, "2008-07-01"),
            ("zhouqiang", "周强", "M", "1986-10-10", "高中", FULL, "2011-07-01"),
            ("wumin", "吴敏", "F", "1991-07-15", "大学本科", FULL, "2017-07-01"),
            ("zhengyong", "郑勇", "M", "1970-02-28", "初中", FULL, "1997-07-01"),
            ("fengjun", "冯军", "M", "1964-09-19", "小学", FULL, "1990-07-01"),
            ("hanmei", "韩梅", "F", "1973-05-05", "初中", FULL, "1999-07-01"),
            ("tangliang", "唐亮", "M", "1977-11-27", "高中", FULL, "2003-07-01"),
            ("caohua", "曹华", "M", "1969-08-08", "初中", FULL, "1993-07-01"),
            ("xuming", "许明", "M", "1981-01-01", "高中", FULL, "2007-07-01"),
            ("dengchao", "邓超", "M", "1985-06-30", "大学专科", FULL, "2010-07-01"),
            ("wanghong", "王红", "F", "1984-12-12", "高中", "", ""),
            ("lidong", "李东", "M", "1978-07-17", "初中", "", ""),
            ("zhangfang", "张芳", "F", "1989-03-03", "大学专科", "", ""),
            ("liugang", "刘刚", "M", "1972-10-20", "初中", "", ""),
            ("chenxia", "陈霞", "F", "1990-06-06", "高中", "", ""),
            ("yangming", "杨明", "M", "1982-02-02", "高中", "", ""),
        ],
    ),
}

BY_KEY = {m.key: m for members in PEOPLE.values() for m in members}

# 马福生 is under 留党察看 until the end of 2027: no vote, cannot be elected, not expected.
SANCTIONED = {"unit_a1": {"mafusheng": datetime.date(2027, 12, 31)}}

# The party committee: three seats, four candidates (the surplus of 20 per cent, rounded up).
PARTY_SEATS = 3
PARTY_CANDIDATES = {
    "unit_a1": ["zhangwei80", "zhangwei90", "lixiuying", "wangjianguo"],
    "unit_a2": ["liuyang", "chenjing", "yangfan", "zhaolei"],
    "unit_a3": ["sunli", "zhouqiang", "wumin", "zhengyong"],
}
SECRETARY_CANDIDATE = {"unit_a1": "zhangwei80", "unit_a2": "liuyang", "unit_a3": "sunli"}
# Entered through the candidate import (an xlsx) rather than the single-person form.
IMPORTED_CANDIDATE = "lixiuying"
PARTY_ELECTED = {
    "unit_a1": ["zhangwei80", "lixiuying", "wangjianguo"],
    "unit_a2": ["liuyang", "chenjing", "yangfan"],
    "unit_a3": ["sunli", "zhouqiang", "wumin"],
}

# Dates: the meetings were held in the second half of November; the clerk enters them after.
CONGRESS_DAY = {
    "unit_a1": datetime.date(2026, 11, 16),
    "unit_a2": datetime.date(2026, 11, 17),
    "unit_a3": datetime.date(2026, 11, 18),
}
VILLAGERS_ELECTION_DAY = datetime.date(2026, 11, 29)
VOTER_LIST_PUBLISHED = datetime.date(2026, 11, 6)

# The villagers' (residents') committees: three seats, one each of 主任, 副主任 and 委员,
# with one more formal candidate than seats for each post (差额). In 大红城村 both 张伟 stand
# for 主任, told apart on the ballot by their birth years; there 韩雪 sits on the election
# committee until she is nominated.
VILLAGERS_SEATS = 3
VILLAGERS_CANDIDATES = {
    "unit_a1": {
        "director": ["zhangwei80", "zhangwei90"],
        "deputy_director": ["zhaodayong", "songtao"],
        "committee_member": ["hanxue", "qianxiaomei"],
    },
    "unit_a2": {
        "director": ["chenjing", "zhaolei"],
        "deputy_director": ["pengbo", "jiangtao"],
        "committee_member": ["cuiying", "lufang"],
    },
    "unit_a3": {
        "director": ["zhangfang", "lidong"],
        "deputy_director": ["yangming", "liugang"],
        "committee_member": ["wumin", "chenxia"],
    },
}

# The new villagers' (residents') committees: 张伟 (1980) is elected director as well as
# secretary (一肩挑); 张伟 (1990) is elected to neither committee.
VILLAGERS_ELECTED = {
    "unit_a1": [
        ("zhangwei80", "director"),
        ("zhaodayong", "deputy_director"),
        ("hanxue", "committee_member"),
    ],
    "unit_a2": [
        ("chenjing", "director"),
        ("pengbo", "deputy_director"),
        ("cuiying", "committee_member"),
    ],
    "unit_a3": [
        ("zhangfang", "director"),
        ("yangming", "deputy_director"),
        ("wumin", "committee_member"),
    ],
}


def members(unit_key: str, *, party: bool | None = None) -> list[Member]:
    people = PEOPLE[unit_key]
    if party is None:
        return list(people)
    return [m for m in people if m.is_party_member == party]


def ballot_name(member: Member) -> str:
    """How a person of the cast appears in lists that tell same-name people apart."""
    twins = [m for m in BY_KEY.values() if m.name == member.name]
    return member.name if len(twins) == 1 else f"{member.name}（{member.birth_date.year}年生）"


# --- The previous committees (上届), elected in 2021 --------------------------------------
# On file before the renewal starts: the baseline of the structure figures, whom the
# outgoing side of the handover is, and the members to talk with when not re-elected.
# 张伟 (1980) is the sitting secretary of 大红城村, so he stands again as a continuing one.
PREVIOUS_ELECTED_ON = datetime.date(2021, 1, 10)
PREVIOUS_TERMS = {
    "unit_a1": {
        "party": [
            ("zhangwei80", "secretary"),
            ("liujianhua", "party_member"),
            ("yangshulin", "party_member"),
        ],
        "villagers": [
            ("wangjianguo", "director"),
            ("zhaodayong", "deputy_director"),
            ("qianxiaomei", "committee_member"),
        ],
    },
    "unit_a2": {
        "party": [("guoqiang", "secretary"), ("heli", "party_member"), ("linhai", "party_member")],
        "villagers": [
            ("heli", "director"),
            ("xuehui", "deputy_director"),
            ("pengbo", "committee_member"),
        ],
    },
    "unit_a3": {
        "party": [
            ("fengjun", "secretary"),
            ("hanmei", "party_member"),
            ("tangliang", "party_member"),
        ],
        "villagers": [
            ("fengjun", "director"),
            ("wanghong", "deputy_director"),
            ("lidong", "committee_member"),
        ],
    },
}
