"""Control characters in a query: which are refused, and the 400 page that says so."""

import pytest
from django.http import QueryDict

from renewal.kit.query_chars import has_control_characters


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("q=%00", True),  # NUL: PostgreSQL cannot compare it
        ("q=a%01b", True),
        ("q=%1B%5B0m", True),  # an escape sequence
        ("q=%7F", True),  # DEL
        ("q=%C2%85", True),  # a C1 control (NEL)
        ("%00=1", True),  # in a parameter's name
        ("q=ok&q=%00", True),  # in a repeated parameter's second value
        ("q=a%09b", False),  # tab: pasted search terms carry it
        ("q=a%0Ab%0D", False),  # newline and carriage return
        ("q=%2500", False),  # "%00" as text
        ("q=%E5%BC%A0%E4%BC%9F", False),  # 张伟
        ("q='%22<>&page=-1", False),
        ("", False),
    ],
)
def test_control_characters_are_found(query, refused):
    assert has_control_characters(QueryDict(query)) is refused


def test_refusal_is_a_chinese_400_page_with_the_menu(client, personas):
    client.force_login(personas["staff_a"])
    response = client.get("/villagers/?q=%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert "控制字符" in html and "工作台" in html


# The pages that answered a search for "%00" with a server error, and who may open them.
SEARCHED = [
    ("/villagers/", "staff_a"),
    ("/candidates/reserves/", "staff_a"),
    ("/discipline/cases/", "discipline"),
    ("/discipline/ledger/", "discipline"),
]


@pytest.mark.parametrize(("path", "persona"), SEARCHED)
def test_nul_in_a_search_is_refused(client, personas, path, persona):
    client.force_login(personas[persona])
    assert client.get(f"{path}?q=%00").status_code == 400
    assert client.get(f"{path}?q=%00", HTTP_HX_REQUEST="true").status_code == 400


@pytest.mark.parametrize(("path", "persona"), SEARCHED)
def test_tab_and_newline_are_searched_for(client, personas, path, persona):
    client.force_login(personas[persona])
    assert client.get(f"{path}?q=%E5%BC%A0%09%E4%BC%9F%0A").status_code == 200


def test_the_old_results_address_refuses_them_before_redirecting(client, personas):
    client.force_login(personas["staff_a"])
    assert client.get("/villagers-results/?q=%00").status_code == 400


def test_public_report_page_refuses_them_too(client, world):
    response = client.get("/report/?county=%00")
    assert response.status_code == 400
