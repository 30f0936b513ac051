"""Lists offer "add" to those who may add, and to nobody else; each shows its count, and the
total beside it once a filter narrows the list."""

import datetime

import pytest

from ballots.congress import services as bs

ADDS = {
    # list: (its add control, who sees it, who does not)
    "/candidates/": ("新增人选", ["staff_a", "leader_a"], ["reviewer", "discipline"]),
    "/congresses/": ("建立党员大会", ["staff_a"], ["reviewer", "discipline"]),
    "/seat-changes/": ("申请调整职数", ["staff_a"], ["reviewer"]),
    "/discipline/cases/": ("登记举报", ["discipline"], []),
}


@pytest.mark.parametrize("url", ADDS)
def test_add_is_offered_only_to_who_may_add(client, world, personas, url):
    label, shown, hidden = ADDS[url]
    for persona in shown:
        client.force_login(personas[persona])
        page = client.get(url).content.decode()
        assert label in page, (url, persona)
        assert 'id="list-count"' in page
    for persona in hidden:
        client.force_login(personas[persona])
        response = client.get(url)
        assert response.status_code == 200
        assert label not in response.content.decode(), (url, persona)


def test_the_congress_picker_leaves_out_units_that_have_their_congress(client, world, personas):
    client.force_login(personas["staff_a"])
    page = client.get("/congresses/").content.decode()
    assert f"/units/{world['unit_a1'].pk}/congress/new/" in page
    bs.congress_create(
        unit=world["unit_a1"], held_on=datetime.date(2026, 11, 20), place="会议室", chair="王"
    )
    page = client.get("/congresses/?status=held").content.decode()
    assert f"/units/{world['unit_a1'].pk}/congress/new/" not in page
    assert f"/units/{world['unit_a2'].pk}/congress/new/" in page
    assert f"/units/{world['unit_b1'].pk}/congress/new/" not in page  # township B's
    assert "共 1 次，符合筛选条件的 0 次" in page
