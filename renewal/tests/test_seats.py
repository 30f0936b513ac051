"""Seat changes: up to the default applies at once; above it, township then county approval."""

import pytest

from renewal import services
from renewal.models import DomainError, SeatChange, UnitSeats

pytestmark = pytest.mark.django_db


def seats(world, unit="unit_a1"):
    return UnitSeats.objects.get(round=world["round"], unit=world[unit])


def test_decrease_applies_at_once_and_is_recorded(world, personas):
    change = services.seat_change_request(
        actor=personas["staff_a"],
        unit=world["unit_a1"],
        body="villagers",
        requested=3,
        reason="人口较少",
    )
    assert change.status == SeatChange.Status.APPROVED
    assert seats(world).villagers == 3


def test_increase_needs_township_then_county(world, personas, pending_change):
    assert pending_change.status == SeatChange.Status.PENDING_TOWNSHIP
    assert seats(world).party == 5
    world["unit_a1"].refresh_from_db()
    assert world["unit_a1"].stage == "preparation"
    services.seat_change_decide(actor=personas["leader_a"], change=pending_change, approve=True)
    assert seats(world).party == 5
    change = services.seat_change_decide(
        actor=personas["reviewer"], change=pending_change, approve=True, comment="同意增至 7 名"
    )
    assert change.status == SeatChange.Status.APPROVED
    assert change.township_decided_by == personas["leader_a"]
    assert change.county_decided_by == personas["reviewer"]
    assert seats(world).party == 7


def test_rejection_needs_a_comment_and_keeps_seats(world, personas, pending_change):
    with pytest.raises(DomainError, match="不批准时请写明意见"):
        services.seat_change_decide(
            actor=personas["leader_a"], change=pending_change, approve=False
        )
    pending_change.refresh_from_db()
    assert pending_change.status == SeatChange.Status.PENDING_TOWNSHIP
    services.seat_change_decide(
        actor=personas["leader_a"], change=pending_change, approve=False, comment="理由不充分"
    )
    pending_change.refresh_from_db()
    assert pending_change.status == SeatChange.Status.REJECTED
    assert seats(world).party == 5


def test_decided_change_cannot_be_decided_again(world, personas, pending_change):
    services.seat_change_decide(
        actor=personas["leader_a"], change=pending_change, approve=False, comment="不同意"
    )
    with pytest.raises(DomainError, match="已经办结"):
        services.seat_change_decide(actor=personas["reviewer"], change=pending_change, approve=True)


@pytest.mark.parametrize(
    ("requested", "reason", "message"),
    [
        (12, "多", "职数应在 3 至 9 名之间"),
        (2, "少", "职数应在 3 至 9 名之间"),
        (5, "不变", "与现有职数 5 名相同"),
        (6, "", "请写明调整职数的理由"),
    ],
    ids=["above max", "below min", "unchanged", "no reason"],
)
def test_bad_requests_are_refused(world, personas, requested, reason, message):
    with pytest.raises(DomainError, match=message):
        services.seat_change_request(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            body="party",
            requested=requested,
            reason=reason,
        )
    assert not SeatChange.objects.exists()


def test_one_open_request_per_committee(world, personas, pending_change):
    with pytest.raises(DomainError, match="已有一项申请在审批中"):
        services.seat_change_request(
            actor=personas["staff_a"],
            unit=world["unit_a1"],
            body="party",
            requested=6,
            reason="再申请",
        )


def test_decide_page_flow(client, world, personas, pending_change):
    client.force_login(personas["leader_a"])
    response = client.post(
        f"/seat-changes/{pending_change.pk}/decide/", {"decision": "reject", "comment": ""}
    )
    assert response.status_code == 200
    assert "不批准时请写明意见" in response.content.decode()
    response = client.post(
        f"/seat-changes/{pending_change.pk}/decide/", {"decision": "approve", "comment": "同意"}
    )
    assert response.status_code == 302
    client.force_login(personas["reviewer"])
    assert "待我审批的职数调整（1）" in client.get("/").content.decode()
    response = client.post(
        f"/seat-changes/{pending_change.pk}/decide/", {"decision": "approve", "comment": ""}
    )
    assert response.status_code == 302
    assert seats(world).party == 7


def test_request_page_shows_error_and_keeps_input(client, world, personas):
    client.force_login(personas["staff_a"])
    response = client.post(
        f"/units/{world['unit_a1'].pk}/seats/",
        {"body": "party", "requested": 15, "reason": "人口增长较快"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "职数应在 3 至 9 名之间" in body and "人口增长较快" in body
