"""The names printed on ballots: same-name candidates are told apart, others are not touched."""

import datetime

import pytest

from renewal.kit.naming import Standing, ballot_names

D = datetime.date


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ([Standing(1, "王建国"), Standing(2, "李秀英")], {1: "王建国", 2: "李秀英"}),
        (
            [Standing(1, "张伟", D(1980, 5, 6)), Standing(2, "张伟", D(1975, 1, 2))],
            {1: "张伟（1980年生）", 2: "张伟（1975年生）"},
        ),
        (
            [Standing(1, "张伟", D(1980, 5, 6)), Standing(2, "张伟", D(1980, 7, 2))],
            {1: "张伟（1980年5月生）", 2: "张伟（1980年7月生）"},
        ),
        (
            [Standing(1, "张伟", D(1980, 5, 6)), Standing(2, "张伟", D(1980, 5, 9))],
            {1: "张伟（1980年5月6日生）", 2: "张伟（1980年5月9日生）"},
        ),
        (
            [
                Standing(1, "张伟", D(1980, 5, 6), "0012"),
                Standing(2, "张伟", D(1980, 5, 6), "003X"),
            ],
            {1: "张伟（身份证尾号0012）", 2: "张伟（身份证尾号003X）"},
        ),
        (
            [
                Standing(1, "张伟", D(1980, 5, 6)),
                Standing(2, "张伟", D(1975, 1, 2)),
                Standing(3, "李"),
            ],
            {1: "张伟（1980年生）", 2: "张伟（1975年生）", 3: "李"},
        ),
        (
            [Standing(1, "张伟", D(1980, 5, 6)), Standing(1, "张伟", D(1980, 5, 6))],
            {1: "张伟"},
        ),
    ],
    ids=[
        "different names",
        "birth year",
        "birth month",
        "birth day",
        "ID tail",
        "one shared",
        "one person on two rows (two posts) is one person",
    ],
)
def test_same_names_are_told_apart_on_the_ballot(people, expected):
    assert ballot_names(people) == expected


def test_people_nothing_tells_apart_get_distinct_names():
    names = ballot_names([Standing(1, "张伟"), Standing(2, "张伟")])
    assert len(set(names.values())) == 2
