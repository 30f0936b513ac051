"""The villagers' stage alone, from the state the congress stage leaves."""

import pytest

from tests.whole_cycle import villagers_stage
from tests.whole_cycle.villagers_stage_prelude import prelude
from tests.whole_cycle.world import Cycle, build_cycle_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_villagers_stage(live_server, new_context):
    world = build_cycle_world()
    prelude(world)
    villagers_stage.run(Cycle(live_server, new_context, world))
