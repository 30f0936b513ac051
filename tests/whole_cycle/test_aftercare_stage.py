"""The aftercare stage alone, from the state the villagers' stage leaves."""

import pytest

from tests.whole_cycle import aftercare_stage
from tests.whole_cycle.aftercare_stage_prelude import prelude
from tests.whole_cycle.world import Cycle, build_cycle_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_aftercare_stage(live_server, new_context):
    world = build_cycle_world()
    prelude(world)
    aftercare_stage.run(Cycle(live_server, new_context, world))
