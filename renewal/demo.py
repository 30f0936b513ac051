"""The ground floor's part of the demo: each unit's stage, derived once every app has seeded."""

from renewal import services
from renewal.kit.demo import DemoCounty


def refresh_stages(demo: DemoCounty) -> None:
    demo.stdout.write("重新计算各村(社区)所处阶段…")
    services.units_refresh_stages(county=demo.county)
