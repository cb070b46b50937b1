"""The sanitizing reader's speed-ups change nothing in the output."""

import filecmp
from pathlib import Path

import pytest
from conftest import build, settings_for
from pelican import Pelican
from pelican.utils import get_date
from safe_markdown import prefetch
from safe_markdown.reader import parse_date


@pytest.fixture(autouse=True)
def empty_cache():
    prefetch.CACHE.clear()
    yield
    prefetch.CACHE.clear()


def assert_same_tree(left: Path, right: Path) -> int:
    """Both folders hold the same files, byte for byte; return how many."""
    files = sorted(str(p.relative_to(right)) for p in right.rglob("*") if p.is_file())
    others = sorted(str(p.relative_to(left)) for p in left.rglob("*") if p.is_file())
    assert files == others
    match, mismatch, errors = filecmp.cmpfiles(left, right, files, shallow=False)
    assert mismatch == [] and errors == []
    return len(match)


STATEFUL = """Title: Bài {n}
Date: 2024-03-0{n} 08:3{n}
Ward: Nghi Hòa
Topics: QP-AN

Đoạn có chú thích cuối trang[^1] và chữ viết tắt HĐND.

*[HĐND]: Hội đồng nhân dân

| Cột | Giá trị |
|-----|---------|
| a   | {n}     |

[^1]: Ghi chú của bài {n}.
"""


def test_reusing_one_converter_gives_identical_output(tmp_path, make_content):
    content = make_content({f"b{n}.md": STATEFUL.format(n=n) for n in range(1, 6)})
    build(content, tmp_path / "reused", SAFE_MARKDOWN_REUSE_CONVERTER=True)
    build(content, tmp_path / "fresh", SAFE_MARKDOWN_REUSE_CONVERTER=False)
    assert assert_same_tree(tmp_path / "reused", tmp_path / "fresh") > 5
    # each article kept its own footnote: converter state did not leak
    page = (tmp_path / "reused/tin-tuc/2024/03/bai-3/index.html").read_text()
    assert "Ghi chú của bài 3." in page and "Ghi chú của bài 2." not in page
    assert '<abbr title="Hội đồng nhân dân">HĐND</abbr>' in page


@pytest.mark.parametrize(
    "text", ["2024-01-10", "2024-01-10 14:30", "2024-12-31 23:59:59", " 2024-02-29 "]
)
def test_fast_date_parse_equals_pelicans(text):
    fast = parse_date(text)
    assert fast == get_date(text.strip()) and type(fast) is type(get_date(text.strip()))


@pytest.mark.parametrize("text", ["10/01/2024", "2024-02-30", "2024-1-5", "hôm qua"])
def test_other_dates_are_left_to_pelican(text):
    assert parse_date(text) is None


MANY = prefetch.MIN_PARALLEL + 6


def test_parallel_reading_gives_identical_output(tmp_path, make_content):
    content = make_content(
        {f"b{n:03}.md": STATEFUL.format(n=n % 9 + 1) for n in range(MANY)}
    )
    settings = settings_for(content, tmp_path / "parallel", SAFE_MARKDOWN_WORKERS=2)
    Pelican(settings).run()
    assert len(prefetch.CACHE) == MANY  # converted by the workers, then used
    prefetch.CACHE.clear()
    build(content, tmp_path / "serial", SAFE_MARKDOWN_REUSE_CONVERTER=False)
    assert not prefetch.CACHE
    assert assert_same_tree(tmp_path / "parallel", tmp_path / "serial") > MANY


def test_rebuild_converts_only_the_edited_file(tmp_path, make_content):
    content = make_content({f"b{n}.md": STATEFUL.format(n=n) for n in range(1, 6)})
    # (the search index is not under test: dev rebuilds keep the first one)
    pelican = Pelican(settings_for(content, tmp_path / "dev", SEARCH_INDEX=False))
    pelican.run()
    before = {path: entry[2] for path, entry in prefetch.CACHE.items()}
    edited = content / "tin-tuc/b2.md"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("Đoạn có", "Đoạn đã sửa có"),
        encoding="utf-8",
    )
    pelican.run()
    again = {path: entry[2] for path, entry in prefetch.CACHE.items()}
    changed = [p for p in before if again[p] is not before[p]]
    assert changed == [str(edited)]
    prefetch.CACHE.clear()
    build(
        content,
        tmp_path / "fresh",
        SAFE_MARKDOWN_REUSE_CONVERTER=False,
        SEARCH_INDEX=False,
    )
    assert assert_same_tree(tmp_path / "dev", tmp_path / "fresh") > 5
    assert (
        "Đoạn đã sửa có"
        in (tmp_path / "dev/tin-tuc/2024/03/bai-2/index.html").read_text()
    )
