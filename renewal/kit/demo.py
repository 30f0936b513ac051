"""The demo's seeders: each app adds the data of its stage of the cycle.

``manage.py seed_demo`` builds the county (regions, units, people, the round, the accounts)
and then calls every registered seeder in order, so the demo can show every stage without
the ground floor importing the apps above it. An app registers its seeders in its
AppConfig.ready(); each must be idempotent (a second run inserts nothing) and
deterministic.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoCounty:
    county: object  # renewal.Region
    townships: list  # the county's townships, the first one with the demo accounts
    round: object  # renewal.RenewalRound in progress
    users: dict  # demo username -> User
    stdout: object  # the command's output, for progress lines

    @property
    def township(self):
        return self.townships[0]


Seeder = Callable[[DemoCounty], None]
_seeders: list[tuple[int, str, Seeder]] = []

# Orders of the cycle: people and candidates first, the vote, then the aftercare, the
# stages derived from all of it, and last the roll-up that reads the stages.
CANDIDATES, REPORTS, VILLAGERS_SETUP, VILLAGERS_VOTE, AFTERCARE, STAGES, ROLLUP = (
    10,
    15,
    20,
    30,
    40,
    50,
    60,
)


def register(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _o, existing, _s in _seeders):
        _seeders.append((order, name, seeder))


def seeders() -> list[tuple[str, Seeder]]:
    return [(name, seeder) for _order, name, seeder in sorted(_seeders, key=lambda s: s[0])]


@dataclass(frozen=True)
class BulkCounty:
    """One county of the province demo (``seed_demo --province``), loaded with COPY.

    The ground floor has written the county's units, people, rosters and previous terms in
    the current transaction; each app's bulk seeder adds its rows for these units the same
    way (renewal.kit.bulk.bulk_copy), in proportion to the units, and must not call per-row
    services: at 50,000 units that is what makes seeding slow.
    """

    county: object  # renewal.Region
    round: object  # the county's renewal.RenewalRound
    units: list  # (unit id, code, kind) in code order
    members: dict  # unit id -> [(person id, sex, full member able to stand)] in roster order
    residents: dict  # unit id -> [person id] of every seeded adult of the unit
    creator: object  # the User recorded as having entered the rows
    candidacies_per_unit: int
    stdout: object


BulkSeeder = Callable[[BulkCounty], int]
_bulk_seeders: list[tuple[int, str, BulkSeeder]] = []


def register_bulk(order: int, name: str, seeder: BulkSeeder) -> None:
    """A seeder of the province demo: called once per new county, returns rows written."""
    if all(existing != name for _o, existing, _s in _bulk_seeders):
        _bulk_seeders.append((order, name, seeder))


def bulk_seeders() -> list[tuple[str, BulkSeeder]]:
    return [(name, seeder) for _order, name, seeder in sorted(_bulk_seeders, key=lambda s: s[0])]


@dataclass(frozen=True)
class DemoProvince:
    """The regions above the counties of the province demo, once its counties are built and
    its accounts exist: for what a city or the province itself keeps (supervision groups)."""

    province: object  # renewal.Region
    cities: dict  # code -> renewal.Region
    users: dict  # demo username -> User
    stdout: object


AreaSeeder = Callable[[DemoProvince], None]
_area_seeders: list[tuple[str, AreaSeeder]] = []


def register_area(name: str, seeder: AreaSeeder) -> None:
    """A seeder of the province demo's cities and province, idempotent like the others."""
    if all(existing != name for existing, _s in _area_seeders):
        _area_seeders.append((name, seeder))


def area_seeders() -> list[tuple[str, AreaSeeder]]:
    return list(_area_seeders)
