"""The coordinator's pages: who may read and settle two entries that differ, the question
asked first, and where pending differences show."""

import pytest
from django.urls import reverse

from ballots.models import EntryDraft
from ballots.tests.test_congress import congress  # noqa: F401
from ballots.tests.test_double_entry import clerk2, disputed_round, require_double_entry  # noqa: F401
from ballots.tests.villagers_vote_helpers import (
    MAIN_VOTES,
    boxes_with_staff,
    make_election,
    nominate_all,
)
from ballots.tests.villagers_vote_helpers import enter as enter_box

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(world, congress, personas, clerk2):  # noqa: F811
    require_double_entry(world)
    rnd = disputed_round(congress, personas, clerk2)
    return rnd, reverse("ballots:double-entry-detail", args=["congress-round", rnd.pk])


def test_only_the_coordinator_settles_and_is_asked_first(client, personas, dispute):
    rnd, url = dispute
    for name, status in (("staff_a", 403), ("leader_a", 403), ("reviewer_other", 404)):
        client.force_login(personas[name])
        assert client.post(url, {"choice": "second", "confirmed": "1"}).status_code == status
    rnd.refresh_from_db()
    assert rnd.status == "disputed"

    client.force_login(personas["reviewer"])
    page = client.get(url).content.decode()
    assert page.count('<td class="num differs">') == 4  # two lines, both sides marked
    assert "采用第二次录入" in page
    asked = client.post(url, {"choice": "second"})
    assert asked.status_code == 200 and "确认采用第二次录入" in asked.content.decode()
    rnd.refresh_from_db()
    assert rnd.status == "disputed"
    done = client.post(url, {"choice": "second", "confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == f"/congress-rounds/{rnd.pk}/"
    rnd.refresh_from_db()
    assert rnd.status == "counted"
    # The decision is in the audit trail, as the coordinator's.
    events = EntryDraft.pgh_event_model.objects.filter(
        pgh_obj_id__in=rnd.drafts.values("pk"), pgh_label="update"
    ).select_related("pgh_context")
    assert {e.status for e in events} == {"kept", "set_aside"}
    assert {e.pgh_context.metadata.get("user") for e in events} == {personas["reviewer"].pk}
    log = client.get(url).content.decode()
    assert "协调人采用" in log and "协调人未采用" in log and "刘洋" in log


def test_pending_differences_show_where_the_coordinator_works(client, personas, dispute):
    rnd, url = dispute
    client.force_login(personas["reviewer"])
    listing = client.get(reverse("ballots:double-entry-list")).content.decode()
    assert url in listing and "核对处理" in listing
    round_page = client.get(reverse("ballots:round-detail", args=[rnd.pk])).content.decode()
    assert f'href="{url}"' in round_page and "由县委组织部审核人员核对处理" in round_page
    congress_page = client.get(reverse("ballots:congress-detail", args=[rnd.congress_id]))
    assert "两次录入不一致" in congress_page.content.decode()

    assert f'href="{url}"' in client.get(reverse("renewal:home")).content.decode()

    client.force_login(personas["staff_b"])
    assert url not in client.get(reverse("ballots:double-entry-list")).content.decode()
    client.force_login(personas["leader_a"])  # not the county's coordinator
    assert 'id="double-entry-waiting"' not in client.get(reverse("renewal:home")).content.decode()
    client.force_login(personas["staff_a"])  # a clerk sees it, without the buttons
    page = client.get(url).content.decode()
    assert "您录入过这张计票单" in page and "采用第二次录入" not in page


def test_villagers_box_page_outside_villagers_business_is_404(client, world, personas, clerk2):  # noqa: F811
    require_double_entry(world)
    election, people = make_election(world)
    nominate_all(election, people, personas["staff_a"])
    main, _mobile = boxes_with_staff(election, people)
    enter_box(main, personas["staff_a"], 50, MAIN_VOTES)
    url = reverse("ballots:double-entry-detail", args=["villagers-box", main.pk])
    client.force_login(personas["discipline"])
    assert client.get(url).status_code == 404
    client.force_login(personas["reviewer"])
    assert "等待另一个账号再次录入" in client.get(url).content.decode()
    assert client.get(f"/double-entries/no-such-kind/{main.pk}/").status_code == 404
    box_page = client.get(reverse("villagers:box-entry", args=[main.pk])).content.decode()
    assert 'id="awaiting-second"' in box_page
    polling = client.get(reverse("villagers:polling", args=[election.pk])).content.decode()
    assert "待第二人录入" in polling


def test_round_form_ticks_double_entry_where_the_county_requires_it(
    client,
    world,
    congress,  # noqa: F811
    personas,
):
    url = reverse("ballots:congress-detail", args=[congress.pk])
    client.force_login(personas["staff_a"])
    assert "本县规定每张计票单须由两个账号分别录入" not in client.get(url).content.decode()
    require_double_entry(world)
    page = client.get(url).content.decode()
    assert "本县规定每张计票单须由两个账号分别录入" in page
    assert 'name="committee-double_entry" id="id_committee-double_entry" checked' in page
