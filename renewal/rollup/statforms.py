"""Official statistical forms filled from the data: one row per township, the county total
and, for the detail sheet, one row per unit.

A form's columns are data (``renewal.StatForm`` / ``StatColumn``); each names a measure of
``renewal.kit.measures``. Filling a form asks every count measure it needs once, for all
the county's units together (a constant number of queries whatever the number of units),
sums the counts per township and for the county, and works out each rate on each row from
that row's sums.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from renewal.kit import measures
from renewal.models import DomainError, Region, StatForm, Unit
from renewal.selectors import active_round

MISSING = "（该统计指标未登记，请在系统管理中修改此列）"


@dataclass(frozen=True)
class Column:
    label: str
    group: str
    measure: measures.Measure | None  # None: the column names a measure no app registers

    @property
    def style(self) -> str:
        return self.measure.style if self.measure and self.measure.is_ratio else ""


@dataclass
class Row:
    name: str
    code: str
    sums: dict[str, int] = field(default_factory=dict)
    values: list = field(default_factory=list)
    township: str = ""  # the detail sheet's rows name their township

    def add(self, counts: dict[str, int]) -> None:
        for code, n in counts.items():
            self.sums[code] = self.sums.get(code, 0) + n


@dataclass
class FilledForm:
    form: StatForm
    county: Region
    day: datetime.date
    columns: list[Column]
    townships: list[Row]
    total: Row
    units: list[Row]

    @property
    def title(self) -> str:
        return f"{self.county.name}{self.form.name}"

    @property
    def missing(self) -> list[str]:
        return [c.label for c in self.columns if c.measure is None]


def forms_for(county_id: int) -> list[StatForm]:
    """The county's forms in order: its own version of a form replaces the default one."""
    rows = StatForm.objects.filter(Q(county_id=county_id) | Q(county__isnull=True), is_active=True)
    chosen: dict[str, StatForm] = {}
    for form in rows.order_by("county_id"):  # NULL (the default) last, so the county's wins
        chosen.setdefault(form.code, form)
    return sorted(chosen.values(), key=lambda f: (f.order, f.code))


def form_for(county_id: int, code: str) -> StatForm | None:
    return next((f for f in forms_for(county_id) if f.code == code), None)


def header_rows(columns: list[Column]) -> list[dict]:
    """The upper heading row: each group once with the number of columns it spans; a column
    without a group stands alone (its heading spans both rows)."""
    cells: list[dict] = []
    for column in columns:
        if column.group and cells and cells[-1]["group"] == column.group:
            cells[-1]["span"] += 1
            cells[-1]["columns"].append(column)
        else:
            cells.append({"group": column.group, "span": 1, "columns": [column]})
    return cells


def form_fill(*, form: StatForm, county: Region, day: datetime.date | None = None) -> FilledForm:
    """``form`` filled for ``county`` from the data as of the end of ``day`` (default today)."""
    day = day or timezone.localdate()
    rnd = active_round(county.pk)
    if rnd is None:
        raise DomainError(f"{county.name}没有进行中的换届轮次，无法生成统计表。")
    columns = [
        Column(label=c.label, group=c.group, measure=measures.measure(c.measure))
        for c in form.columns.order_by("order", "id")
    ]
    townships = {
        pk: Row(name=name, code=code)
        for pk, code, name in Region.objects.filter(parent=county)
        .order_by("code")
        .values_list("pk", "code", "name")
    }
    unit_rows: dict[int, tuple[Row, int]] = {}
    for pk, code, name, township_id in (
        Unit.objects.filter(county=county)
        .order_by("code")
        .values_list("pk", "code", "name", "township_id")
    ):
        township = townships[township_id]
        unit_rows[pk] = (Row(name=name, code=code, township=township.name), township_id)
    unit_ids = list(unit_rows)
    wanted = [c.measure.code for c in columns if c.measure]
    for measure in measures.needed_counts(wanted):
        for unit_id, n in measure.count(rnd, unit_ids, day).items():
            if unit_id in unit_rows:
                unit_rows[unit_id][0].add({measure.code: n})
    total = Row(name=f"{county.name}合计", code=county.code)
    for row, township_id in unit_rows.values():
        townships[township_id].add(row.sums)
        total.add(row.sums)
    rows = [*townships.values(), total, *(row for row, _ in unit_rows.values())]
    for row in rows:
        row.values = [c.measure.value(row.sums) if c.measure else None for c in columns]
    return FilledForm(
        form=form,
        county=county,
        day=day,
        columns=columns,
        townships=list(townships.values()),
        total=total,
        units=[row for row, _ in unit_rows.values()],
    )


def shown(value, style: str) -> str:
    """A cell as the page shows it: counts as they are, rates as 45.0%, averages 48.2."""
    if value is None:
        return "—"
    if style == measures.PERCENT:
        return f"{value * 100:.1f}%"
    if style == measures.AVERAGE:
        return f"{value:.1f}"
    return str(value)
