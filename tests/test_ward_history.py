"""The history rules of the registry (portal.history): pure, no Pelican."""

import tomllib
from datetime import date

import pytest
from portal import history
from portal.registry import parse_registry

# One rename and one merger; resolution numbers are examples, not facts.
REGISTRY = """
[[ward]]
name = "Nghi Hòa"
province = "Nghệ An"
ended = 2025-07-01
change = "sáp nhập"
successors = ["Cửa Lò"]
ended_basis = { number = "VD-2/NQ", signed = 2025-06-16 }

  [[ward.parent]]
  name = "thị xã Cửa Lò"
  until = 2024-11-30

  [[ward.parent]]
  name = "thành phố Vinh"
  from = 2024-12-01
  until = 2025-06-30
  basis = "VD-1/NQ"

[[ward]]
name = "Nghi Hải"
town = "thị xã Cửa Lò"
province = "Nghệ An"
ended = 2025-07-01
change = "sáp nhập"
successors = ["Cửa Lò"]
ended_basis = "VD-2/NQ"

[[ward]]
name = "Cửa Lò"
town = "tỉnh Nghệ An"
province = "Nghệ An"
created = 2025-07-01
created_basis = "VD-2/NQ"

[[ward]]
name = "Hòa Bình"
town = "thị xã Ví Dụ"
province = "Hà Tĩnh"
ended = 2024-06-01
change = "đổi tên"
successors = ["Bình An"]
ended_basis = "VD-3/NQ"

[[ward]]
name = "Bình An"
town = "thị xã Ví Dụ"
province = "Hà Tĩnh"
created = 2024-06-01
created_basis = "VD-3/NQ"
"""


@pytest.fixture(scope="module")
def registry():
    return parse_registry(tomllib.loads(REGISTRY))


@pytest.mark.parametrize(
    "ward, day, parent, exists",
    [
        ("Nghi Hòa", date(2024, 1, 10), "thị xã Cửa Lò", True),
        ("Nghi Hòa", date(2024, 11, 30), "thị xã Cửa Lò", True),
        ("Nghi Hòa", date(2024, 12, 1), "thành phố Vinh", True),
        ("Nghi Hòa", date(2025, 6, 30), "thành phố Vinh", True),
        ("Nghi Hòa", date(2025, 7, 1), "thành phố Vinh", False),
        ("Cửa Lò", date(2025, 6, 30), "tỉnh Nghệ An", False),
        ("Cửa Lò", date(2026, 1, 1), "tỉnh Nghệ An", True),
        ("Hòa Bình", date(2024, 5, 31), "thị xã Ví Dụ", True),
        ("Hòa Bình", date(2024, 6, 1), "thị xã Ví Dụ", False),
    ],
)
def test_name_and_parent_at_a_date(registry, ward, day, parent, exists):
    w = registry.ward(ward)
    assert w.parent_on(day) == parent
    assert w.exists_on(day) is exists
    # "Hoà" and "Hòa" are one name
    assert registry.ward(ward.replace("Hòa", "Hoà")) is w


def test_town_is_the_last_recorded_parent(registry):
    assert registry.ward("Nghi Hòa").town == "thành phố Vinh"


@pytest.mark.parametrize(
    "successors, name, current",
    [
        ({"A": ("B",), "B": ("C",)}, "A", ["C"]),
        ({"A": ("B", "C")}, "A", ["B", "C"]),
        ({"A": ("B", "C"), "B": ("C",)}, "A", ["C"]),
        ({}, "A", ["A"]),
        ({"A": ("B",), "B": ("A",)}, "A", ["A"]),  # a cycle ends
    ],
)
def test_successor_chains(successors, name, current):
    assert history.current_units(name, lambda n: successors.get(n, ())) == current


def test_predecessors_direct_first(registry):
    chain = {"C": ("D",), "A": ("C",), "B": ("C",)}
    found = history.predecessors("D", lambda n: chain.get(n, ()), ["A", "B", "C"])
    assert found == ["C", "A", "B"]
    assert [w.name for w in registry.predecessors(registry.ward("Cửa Lò"))] == [
        "Nghi Hòa",
        "Nghi Hải",
    ]
    assert [w.name for w in registry.current(registry.ward("Hòa Bình"))] == ["Bình An"]


@pytest.mark.parametrize(
    "periods, found",
    [
        ([(None, date(2024, 11, 30)), (date(2024, 12, 1), None)], []),
        ([(None, date(2024, 12, 1)), (date(2024, 12, 1), None)], [(0, 1)]),
        ([(None, None), (date(2024, 12, 1), None)], [(0, 1)]),
        ([(date(2020, 1, 1), date(2020, 12, 31)), (date(2021, 1, 1), None)], []),
        ([(date(2021, 1, 1), None), (date(2020, 1, 1), date(2021, 6, 1))], [(0, 1)]),
    ],
)
def test_overlaps(periods, found):
    periods = [history.Period("x", start, end) for start, end in periods]
    assert history.overlaps(periods) == found


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2025, 6, 30), None),
        (
            date(2026, 1, 5),
            "phường Nghi Hòa không còn từ 01/07/2025 — có phải ý bạn là phường Cửa Lò?",
        ),
    ],
)
def test_report_after_its_ward_ended(registry, day, expected):
    found = history.date_problem(registry.ward("Nghi Hòa"), day, registry.ward)
    assert (found[0] if found else None) == expected
    if found:
        assert "Cửa Lò" in found[1]


def test_report_before_its_ward_was_created(registry):
    message, fix = history.date_problem(
        registry.ward("Cửa Lò"), date(2024, 1, 10), registry.ward
    )
    assert message.startswith("phường Cửa Lò thành lập từ 01/07/2025")
    assert "10/01/2024" in message and "phường trước đó" in fix


def test_renamed_ward_suggests_its_new_name(registry):
    message, _ = history.date_problem(
        registry.ward("Hòa Bình"), date(2024, 7, 1), registry.ward
    )
    assert message.endswith("có phải ý bạn là phường Bình An?")


@pytest.mark.parametrize(
    "ward, day, kind, units, since",
    [
        ("Nghi Hòa", date(2024, 1, 10), "sáp nhập", ["Cửa Lò"], date(2025, 7, 1)),
        ("Hòa Bình", date(2024, 1, 10), "đổi tên", ["Bình An"], date(2024, 6, 1)),
        ("Cửa Lò", date(2025, 8, 1), None, None, None),
    ],
)
def test_changed_since(registry, ward, day, kind, units, since):
    found = history.changed_since(registry.ward(ward), day, registry.ward)
    if kind is None:
        assert found is None
    else:
        assert found.kind == kind and found.day == since
        assert [u.name for u in found.units] == units


def test_changed_since_through_a_chain(registry):
    text = REGISTRY.replace(
        'created_basis = "VD-3/NQ"\n',
        'created_basis = "VD-3/NQ"\nended = 2025-07-01\nended_basis = "VD-2/NQ"\n'
        'successors = ["Cửa Lò"]\n',
    )
    chained = parse_registry(tomllib.loads(text))
    found = history.changed_since(
        chained.ward("Hòa Bình"), date(2024, 1, 10), chained.ward
    )
    assert (found.kind, found.day) == ("đổi tên", date(2024, 6, 1))
    assert [u.name for u in found.units] == ["Bình An"]
    assert [u.name for u in found.now] == ["Cửa Lò"]


def test_parent_change_since():
    data = tomllib.loads(REGISTRY.replace("ended = 2025-07-01\n", "", 1))
    data["ward"][0].pop("successors")
    ward = parse_registry(data).ward("Nghi Hòa")
    found = history.changed_since(ward, date(2024, 1, 10), lambda n: None)
    assert found == history.Since(date(2024, 12, 1), "parent", ("thành phố Vinh",))
    assert history.changed_since(ward, date(2025, 1, 10), lambda n: None) is None


def _issues(text):
    return history.issues(tomllib.loads(text))


def test_fixture_registry_has_no_issue():
    assert _issues(REGISTRY) == []


@pytest.mark.parametrize(
    "old, new, key, words",
    [
        ('  basis = "VD-1/NQ"\n', "", "parent", "chưa có căn cứ pháp lý"),
        ('ended_basis = "VD-3/NQ"\n', "", "ended", "chưa có căn cứ pháp lý"),
        ('created_basis = "VD-2/NQ"\n', "", "created", "chưa có căn cứ pháp lý"),
        ("  until = 2024-11-30\n", "", "from", "trùng thời gian"),
        ("until = 2024-11-30", "until = 2024-12-05", "from", "trùng thời gian"),
        ("from = 2024-12-01", "from = 2025-12-01", "until", "kết thúc trước"),
        (
            'successors = ["Bình An"]',
            'successors = ["Bình Yên"]',
            "successors",
            "không có trong danh mục",
        ),
        ('successors = ["Bình An"]\n', "", "ended", "chưa ghi đơn vị kế thừa"),
        ("created = 2025-07-01", 'created = "1/7/2025"', "created", "không phải ngày"),
        ('change = "đổi tên"', 'change = "gộp"', "change", "không hợp lệ"),
    ],
)
def test_registry_issues(old, new, key, words):
    assert old in REGISTRY
    found = _issues(REGISTRY.replace(old, new, 1))
    assert [i.key for i in found] == [key], found
    assert words in found[0].message


def test_successors_not_a_list():
    found = _issues(REGISTRY.replace('successors = ["Bình An"]', "successors = 5"))
    assert [i.key for i in found] == ["successors", "ended"]
    assert "danh sách" in found[0].message


def test_circular_successors_are_found():
    text = REGISTRY + '\n[[ward]]\nname = "X"\ntown = "t"\nprovince = "p"\n'
    text = text.replace(
        'created_basis = "VD-3/NQ"',
        'created_basis = "VD-3/NQ"\nended = 2025-01-01\nended_basis = "VD-4"\n'
        'successors = ["Hòa Bình"]',
    )
    assert any("quay vòng" in i.message for i in _issues(text))


def test_issues_have_their_line(tmp_path):
    text = REGISTRY.replace('  basis = "VD-1/NQ"\n', "")
    path = tmp_path / "registry.toml"
    path.write_text(text, encoding="utf-8")
    [(line, field, message, _)] = history.file_issues(path)
    assert text.splitlines()[line - 1].strip() == "[[ward.parent]]"
    assert text.splitlines()[line].strip() == 'name = "thành phố Vinh"'
    assert field == "parent" and "phường Nghi Hòa" in message
    text = REGISTRY.replace("until = 2024-11-30", "until = 2024-12-05")
    path.write_text(text, encoding="utf-8")
    [(line, *_)] = history.file_issues(path)
    assert text.splitlines()[line - 1].strip() == "from = 2024-12-01"
