"""The main menu: the pages of the cycle grouped by stage, each shown to the roles that use it.

One definition, read by the context processor `renewal.context_processors.navigation` and
drawn by templates/base.html. Each item names its page, who sees it, and the views that
belong to it (prefixes of "namespace:url_name"): the item whose prefix is the longest match
of the current view is the one marked as where the user is, so that a detail page marks
its list.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from renewal.access import ABOVE_COUNTY_ROLES

DEPARTMENT = "department_user"
DISCIPLINE = "discipline_officer"


def everyone(user, role):
    return True


def not_department(user, role):
    return role != DEPARTMENT


def not_department_or_discipline(user, role):
    return role not in (DEPARTMENT, DISCIPLINE)


def discipline_only(user, role):
    return role == DISCIPLINE


def county_level(user, role):
    """The county's own figures (statistical forms): the county and the levels above it."""
    return user.is_superuser or role in (
        "county_reviewer",
        DISCIPLINE,
        "admin",
        *ABOVE_COUNTY_ROLES,
    )


def system_admin(user, role):
    return user.is_superuser or role == "admin"


def superuser(user, role):
    return user.is_superuser


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    shown_to: object  # (user, role) -> bool
    views: tuple[str, ...] = ()

    def matches(self, view_name: str) -> int:
        """The length of the longest of this item's prefixes that the view starts with."""
        prefixes = self.views or (self.url_name,)
        return max((len(p) for p in prefixes if view_name.startswith(p)), default=0)


@dataclass(frozen=True)
class Group:
    label: str
    items: tuple[Item, ...]


MENU = (
    Group(
        "工作台",
        (
            Item("工作台", "renewal:home", everyone, ("renewal:home",)),
            Item(
                "换届时间表",
                "renewal:round-list",
                not_department,
                ("renewal:round-",),
            ),
        ),
    ),
    Group(
        "村(社区)",
        (
            Item(
                "村(社区)",
                "renewal:unit-list",
                not_department,
                ("renewal:unit-", "renewal:branch-", "renewal:risk-", "roster:"),
            ),
            Item("职数审批", "renewal:seat-change-list", not_department, ("renewal:seat-change-",)),
        ),
    ),
    Group(
        "人选与联审",
        (
            Item("候选人", "candidates:candidacy-list", not_department, ("candidates:",)),
            Item("资格联审", "candidates:vetting-queue", everyone, ("candidates:vetting-",)),
        ),
    ),
    Group(
        "选举",
        (
            Item("党员大会", "ballots:congress-list", not_department, ("ballots:",)),
            Item(
                "村(居)委会选举",
                "villagers:election-list",
                not_department_or_discipline,
                ("villagers:",),
            ),
            Item(
                "两次录入核对",
                "ballots:double-entry-list",
                not_department,
                ("ballots:double-entry-",),
            ),
        ),
    ),
    Group(
        "纪律",
        (
            Item(
                "举报案件",
                "discipline:case-list",
                discipline_only,
                ("discipline:case-", "discipline:report-"),
            ),
            Item("登记举报", "discipline:intake-create", discipline_only, ("discipline:intake-",)),
            Item("看板", "discipline:dashboard", discipline_only, ("discipline:dashboard",)),
            Item("受处分台账", "discipline:ledger", discipline_only, ("discipline:ledger",)),
            Item(
                "民情直报员",
                "discipline:informant-list",
                discipline_only,
                ("discipline:informant-", "discipline:unit-informants"),
            ),
            Item(
                "承诺书与谈话",
                "discipline:coverage",
                not_department_or_discipline,
                (
                    "discipline:coverage",
                    "discipline:pledge-",
                    "discipline:talk-",
                    "discipline:unit-pledges-talks",
                ),
            ),
        ),
    ),
    Group(
        "审计与交接",
        (
            Item("审计与交接", "aftercare:overview", not_department, ("aftercare:",)),
            # The city's supervision groups: run by the city, read by the counties they cover.
            Item(
                "巡回督查组",
                "aftercare:supervision-list",
                county_level,
                ("aftercare:supervision-",),
            ),
        ),
    ),
    Group(
        "日报与看板",
        (
            Item("看板与通报", "rollup:dashboard-home", not_department, ("rollup:",)),
            Item("乡镇日报", "rollup:daily-report-list", not_department, ("rollup:daily-report-",)),
            Item("统计报表", "rollup:stat-home", county_level, ("rollup:stat-",)),
        ),
    ),
    Group(
        "设置",
        (
            Item("修改密码", "renewal:password-change", everyone),
            Item("动态口令", "renewal:second-factor", everyone, ("renewal:second-factor",)),
            Item("计票核对规则", "ballots:tally-checks", not_department, ("ballots:tally-checks",)),
            Item("安全日志", "renewal:security-events", system_admin, ("renewal:security-events",)),
            Item("系统管理", "admin:index", superuser, ("admin:",)),
        ),
    ),
)


def menu_for(user, role: str, view_name: str) -> list[dict]:
    """The groups this user sees, each with its heading (empty when its one item says the
    same) and its items: label, url, and whether it is the page's own item (at most one is).

    Who sees an item depends on the role and on being a superuser only, so the menu is worked
    out once per process for each of those, each page and each URL configuration and prefix."""
    key = (
        bool(user.is_superuser),
        role,
        view_name,
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
    )
    menu = _drawn.get(key)
    if menu is None:
        menu = _draw(user, role, view_name)
        if len(_drawn) >= MENU_CACHE_SIZE:
            _drawn.clear()
        _drawn[key] = menu
    return [{**group, "items": [dict(item) for item in group["items"]]} for group in menu]


MENU_CACHE_SIZE = 2000
_drawn: dict[tuple, list[dict]] = {}


def _draw(user, role: str, view_name: str) -> list[dict]:
    groups = [
        (group, [item for item in group.items if item.shown_to(user, role)]) for group in MENU
    ]
    groups = [(group, items) for group, items in groups if items]
    scores = [item.matches(view_name) for _group, items in groups for item in items]
    best = max(scores, default=0)
    current = scores.index(best) if best else -1
    drawn = []
    n = 0
    for group, items in groups:
        entries = []
        for item in items:
            entries.append(
                {"label": item.label, "url": reverse(item.url_name), "current": n == current}
            )
            n += 1
        # A group whose one item bears its name needs no heading of its own.
        titled = not (len(items) == 1 and items[0].label == group.label)
        drawn.append({"label": group.label if titled else "", "items": entries})
    return drawn
