"""The congress stage alone, from the state the candidates' stage leaves."""

import pytest

from tests.whole_cycle import congress_stage
from tests.whole_cycle.congress_stage_prelude import prelude
from tests.whole_cycle.world import Cycle, build_cycle_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_congress_stage(live_server, new_context):
    world = build_cycle_world()
    prelude(world)
    congress_stage.run(Cycle(live_server, new_context, world))
