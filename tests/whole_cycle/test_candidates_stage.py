"""The candidates stage alone, from the world an administrator sets up."""

import pytest

from tests.whole_cycle import candidates_stage
from tests.whole_cycle.world import Cycle, build_cycle_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_candidates_stage(live_server, new_context):
    world = build_cycle_world()
    candidates_stage.run(Cycle(live_server, new_context, world))
