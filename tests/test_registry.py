"""Unit tests of the ward/topic registry and metadata resolution."""

import pytest
from conftest import REGISTRY
from portal.metadata import resolve
from portal.problems import Problem
from portal.registry import RegistryError, load_registry, parse_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry(REGISTRY)


@pytest.mark.parametrize(
    "typed", ["Nghi Hòa", "Nghi Hoà", "nghi hòa", "phường Nghi Hoà", " Nghi  Hòa "]
)
def test_ward_spellings_resolve_to_the_registry_entry(registry, typed):
    ward = registry.ward(typed)
    assert (ward.name, ward.slug, ward.town, ward.province) == (
        "Nghi Hòa",
        "nghi-hoa",
        "thành phố Vinh",  # its unit since 01/12/2024 (the registry's history)
        "Nghệ An",
    )


@pytest.mark.parametrize(
    "typed",
    ["Quốc phòng – An ninh", "QP-AN", "Quốc phòng, an ninh", "quốc phòng - an ninh"],
)
def test_topic_synonyms_resolve(registry, typed):
    assert registry.topic(typed).name == "Quốc phòng – An ninh"


def test_resolve_topics_with_commas_inside_synonyms(registry):
    ward, topics, problems = resolve(
        "a.md",
        {"ward": "Đức Thuận", "topics": "Quốc phòng, an ninh, ATGT, QP-AN"},
        registry,
    )
    assert ward.slug == "duc-thuan"
    assert [t.name for t in topics] == ["Quốc phòng – An ninh", "An toàn giao thông"]
    assert problems == []


def test_resolve_reports_missing_and_unknown(registry):
    _, _, problems = resolve("a.md", {"topics": "Y tê"}, registry)
    assert problems == [
        Problem("a.md", "Ward", "thiếu tên phường", "thêm dòng 'Ward: <tên phường>'"),
        Problem(
            "a.md",
            "Topics",
            "không có chủ đề 'Y tê' trong danh mục",
            "có phải ý bạn là: Y tế? sửa dòng Topics hoặc thêm vào "
            "content/data/registry.toml",
        ),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"ward": [{"name": "A"}]}, "[[ward]] thứ 1: thiếu 'town'"),
        (
            {
                "ward": [
                    {"name": "Hòa", "town": "t", "province": "p"},
                    {"name": "Hoa", "town": "t", "province": "p"},
                ]
            },
            "cùng đường dẫn 'hoa'",
        ),
        ({"topic": [{"name": "X", "synonyms": "Y"}]}, "'synonyms' phải là danh sách"),
        # [ward] instead of [[ward]]: a table, not a list of tables
        ({"ward": {"name": "A"}}, "sửa [ward] thành [[ward]]"),
        ({"topic": {"name": "A"}}, "sửa [topic] thành [[topic]]"),
        (
            {
                "ward": [
                    {"name": "Nghi Hòa", "town": "t", "province": "p"},
                    {"name": "Nghi Hoà", "town": "t", "province": "p", "slug": "x"},
                ]
            },
            "'Nghi Hoà' và 'Nghi Hòa' là cùng một tên",
        ),
        (
            {
                "ward": [
                    {"name": "Thu Thủy", "town": "t", "province": "p"},
                    {
                        "name": "Đức",
                        "full_name": "phường thu thuỷ",
                        "town": "t",
                        "province": "p",
                    },
                ]
            },
            "'Đức' và 'Thu Thủy' là cùng một tên",
        ),
    ],
)
def test_bad_registry_entries_are_named(data, message):
    with pytest.raises(
        RegistryError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        parse_registry(data, "r.toml")


def test_missing_registry_file(tmp_path):
    with pytest.raises(RegistryError, match="không tìm thấy"):
        load_registry(tmp_path / "none.toml")


# --- addresses ---------------------------------------------------------------


class _Item:
    def __init__(self, slug, source):
        self.slug, self.source = slug, source

    @property
    def save_as(self):
        return f"tin-tuc/2024/01/{self.slug}/index.html"


@pytest.mark.parametrize("slug_in_address", [True, False])
def test_colliding_slugs_are_numbered_in_source_order(slug_in_address):
    from portal.urls import unique_slugs

    a, b, c = _Item("hoi-nghi", "b.md"), _Item("hoi-nghi", "a.md"), _Item("x", "c.md")
    taken = _Item("hoi-nghi-2", "d.md")
    changes = unique_slugs(
        [a, b, c, taken],
        address=lambda i: i.save_as,
        source=lambda i: i.source,
        slug_in_address=slug_in_address,
    )
    assert (b.slug, a.slug, c.slug, taken.slug) == (
        "hoi-nghi",
        "hoi-nghi-3",
        "x",
        "hoi-nghi-2",
    )
    assert changes == [(a, "hoi-nghi", b)]
