"""Every page speaks the user's words, to every persona that may open it.

The walk follows the permission matrix as tests/walk_form_values.py does, but asks each page
of every persona whose row says 200 (an action's GET of those it would accept), since what a
page shows depends on who reads it. tests/user_words.py says what counts as a word that is
not the user's. Then the answers: every form a page posts to itself is sent empty and filled
wrongly, every action of the matrix is done with its row's data, and what comes back must
speak the same words; three forms (a candidacy, a unit, the password) must name each wrong
field in Chinese.
"""

import re

import pytest

from tests import test_permission_matrix as permission_matrix
from tests.user_words import post_forms, visible_text, word_problems, wrong_values
from tests.walk_form_values import CASES as PAGE_CASES
from tests.walk_form_values import NOT_PAGES

MATRIX, PERSONAS, log_in = (
    permission_matrix.MATRIX,
    permission_matrix.PERSONAS,
    permission_matrix.log_in,
)


def word_cases():
    cases = []
    for name, (method, _build, _data, expected) in sorted(MATRIX.items()):
        if name in NOT_PAGES:
            continue
        accepted = (200,) if method == "get" else (200, 302)
        cases.extend((name, p) for p in PERSONAS if expected[p] in accepted)
    return cases


WORD_CASES = word_cases()


@pytest.mark.parametrize(("name", "persona"), WORD_CASES)
def test_pages_speak_the_users_words(client, walk, name, persona):
    world, personas, extras = walk
    method, build, _data, _expected = MATRIX[name]
    log_in(client, personas, persona)
    response = client.get(build(world, extras))
    if method == "post" and response.status_code in (405, 302):
        return  # an action, not a page
    assert response.status_code == 200, f"{name} as {persona}: {response.status_code}"
    problems = word_problems(response.content.decode())
    assert not problems, f"{name} as {persona}:\n" + "\n".join(problems)


ERROR_LIST = re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.DOTALL)


def form_errors(html: str) -> list[str]:
    return [
        text
        for block in ERROR_LIST.findall(html)
        for text in visible_text(f"<ul>{block}</ul>").splitlines()
    ]


# Forms sent empty or wrong, as the persona who fills them in: the errors each must show.
A1 = permission_matrix.A1
WRONG_FORMS = {
    "candidacy": (
        lambda w, x: f"/candidates/new/?unit={A1(w, x)}",
        lambda w, x: {"unit": A1(w, x), "p-id_number": "1501", "c-votes_masses": "很多"},
        ["请填写姓名。", "公民身份号码至少 18 个字符（现有 4 个）。", "群众推荐票须填写整数。"],
    ),
    "unit": (
        lambda w, x: f"/units/{A1(w, x)}/edit/",
        lambda w, x: {"kind": "town", "population": "-1", "risk_assessed_on": "2026-13-40"},
        ["请填写名称。", "类型的选项无效，请重新选择。", "户籍人口不能小于 0。"],
    ),
    "password": (
        lambda w, x: "/account/password/",
        lambda w, x: {"old_password": "", "new_password1": "abc", "new_password2": "abd"},
        ["请填写旧密码。"],
    ),
}


@pytest.mark.parametrize("form", sorted(WRONG_FORMS))
def test_form_errors_name_their_field_in_chinese(client, walk, form):
    world, personas, extras = walk
    path, data, expected = WRONG_FORMS[form]
    log_in(client, personas, "staff_a")
    response = client.post(path(world, extras), data(world, extras))
    assert response.status_code == 200, f"{form}: {response.status_code}"
    html = response.content.decode()
    errors = form_errors(html)
    assert set(expected) <= set(errors), f"{form}: {errors}"
    problems = word_problems(html)
    assert not problems, f"{form}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("name", "persona"), PAGE_CASES)
def test_every_form_refuses_in_the_users_words(client, walk, name, persona):
    """Each form a page posts to itself, sent empty and then filled wrongly (a word for a
    number, a date or a choice, overlong text): what comes back speaks the user's words."""
    world, personas, extras = walk
    method, build, _data, _expected = MATRIX[name]
    log_in(client, personas, persona)
    path = build(world, extras)
    response = client.get(path)
    if method == "post" or response.status_code != 200:
        return  # an action, not a page with a form (the page walk checks the rest)
    page = path.split("?")[0]
    for form in post_forms(response.content.decode()):
        if form["action"] not in ("", page, path):
            continue  # another page's action: walked with that page
        for values in ({}, wrong_values(form)):
            answer = client.post(path, {**form["hidden"], **values})
            if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
                continue
            problems = word_problems(answer.content.decode())
            assert not problems, f"{name} as {persona}, posted {values or 'empty'}:\n" + (
                "\n".join(problems)
            )


def action_cases():
    cases = []
    for name, (method, _build, data, expected) in sorted(MATRIX.items()):
        if method == "post" and data is not None and name not in NOT_PAGES:
            may = [p for p in PERSONAS if p != "anon" and expected[p] in (200, 302)]
            cases.extend((name, p) for p in may[:1])
    return cases


@pytest.mark.parametrize(("name", "persona"), action_cases())
def test_actions_answer_in_the_users_words(client, walk, name, persona):
    """Each action of the matrix, done with its row's data: the page it lands on, with the
    message it leaves (已保存, or why not), speaks the user's words."""
    world, personas, extras = walk
    _method, build, data, _expected = MATRIX[name]
    log_in(client, personas, persona)
    if callable(data):
        data = data(world, extras)
    response = client.post(build(world, extras), data, follow=True)
    if not response["Content-Type"].startswith("text/html"):
        return  # a file or a fragment for a script
    problems = word_problems(response.content.decode())
    assert not problems, f"{name} as {persona}:\n" + "\n".join(problems)
