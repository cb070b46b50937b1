"""The sanitizing reader's speed-ups change nothing in the output."""

import filecmp
import time
from pathlib import Path

import pytest
from conftest import CONTENT, SEEDS, build, settings_for
from markdown.inlinepatterns import BACKTICK_RE, ENTITY_RE, LINK_RE
from markdown.treeprocessors import InlineProcessor
from pelican import Pelican
from pelican.utils import get_date
from safe_markdown import prefetch
from safe_markdown.inline import needles
from safe_markdown.reader import SafeMarkdownReader, parse_date
from vietnamese.dates import DateError


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


@pytest.mark.parametrize("text", ["2024-02-30", "hôm qua"])
def test_a_date_that_is_not_one_is_refused_in_vietnamese(text):
    with pytest.raises(DateError):  # Pelican then names the file (portal words it)
        parse_date(text)


def test_day_first_dates_mean_what_vietnamese_mean():
    assert parse_date("05/03/2024") == get_date("2024-03-05")


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


# Every inline construct of Markdown, extra and smarty, alone and nested.
INLINE = [
    "Chiều ngày 10/01/2024, Đảng uỷ phường Nghi Hòa tổ chức Hội nghị.",
    "**đậm** và *nghiêng*, __đậm__ _nghiêng_, ***cả hai***, * không *, a_b_c",
    "`mã` và ``có ` bên trong`` và \\`không phải mã\\` \\*sao\\* \\\\ \\[",
    '[liên kết](https://ubnd.vn "Tiêu đề") [tham chiếu][1] [ngắn] [1] [không có]',
    "![ảnh](anh.jpg) ![ảnh tham chiếu][2] ! [không] !",
    "Xem [tham chiếu][1], [ngắn] và ![ảnh][2].\n\n[1]: https://ubnd.vn\n"
    "[2]: anh.jpg\n[ngắn]: https://ngan.vn",
    "<https://ubnd.vn/a?b=1&c=2> <cb@ubnd.vn> < không > a<b",
    "dòng một  \ndòng hai\ndòng ba",
    '<span class="x">chữ</span> <b>đậm</b> <!-- ghi chú --> </i> <br/>',
    "&amp; &copy; &#169; &#xA9; & lẻ &không; AT&T",
    "a -- b --- c ... d .... e - f ---- g",
    "chú thích[^1] và [^thiếu] và [^1]",
    "HĐND và UBND phường *[không phải viết tắt]",
    "**[đậm có liên kết](https://a.vn)** *a* -- [b](c) &amp; `*`",
    "_a **b `c` d** e_ [*x*](y) <b>*z*</b> ...",
]
DOCUMENT = "\n\n".join(
    [
        *INLINE,
        "Đoạn có thuộc tính\n{: .lead }",
        "| Cột *a* | `b` |\n|---|---|\n| [c](d) | e -- f |",
        "Thuật ngữ\n:   Định nghĩa *nghiêng* -- gạch",
        "```\n*không* [phải](markdown) &amp; --\n```",
        '<div markdown="1">*trong* [khối](html) --</div>',
        "> trích *dẫn* -- [x](y)\n\n- mục *một*\n- mục [hai](z) ...",
        "[1]: https://ubnd.vn\n[2]: anh2.jpg\n[ngắn]: https://ngan.vn",
        "[^1]: Ghi chú *nghiêng* -- [liên kết](https://a.vn).",
        "*[HĐND]: Hội đồng nhân dân\n*[UBND]: Ủy ban nhân dân",
    ]
)


def markdown_settings(tmp_path) -> dict:
    """MARKDOWN as the reader uses it (Pelican adds the configured extensions)."""
    settings = settings_for(tmp_path, tmp_path / "out")
    SafeMarkdownReader(settings)
    return settings["MARKDOWN"]


def convert_both(tmp_path, texts) -> list[tuple[str, str]]:
    config = markdown_settings(tmp_path)
    gated = prefetch.converter(config, gate=True)
    plain = prefetch.converter(config, gate=False)
    pairs = []
    for text in texts:
        gated.reset()
        plain.reset()
        pairs.append((gated.convert(text), plain.convert(text)))
    return pairs


@pytest.mark.parametrize("text", [*INLINE, DOCUMENT])
def test_gated_inline_patterns_give_the_same_html(tmp_path, text):
    [(gated, plain)] = convert_both(tmp_path, [text])
    assert gated == plain


def test_the_seed_reports_convert_the_same_gated(tmp_path):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in CONTENT.rglob("*.md")]
    assert len(texts) > 2
    for gated, plain in convert_both(tmp_path, texts):
        assert gated == plain


def tried_patterns(monkeypatch, tmp_path, text, gate) -> list[str]:
    """The regex of each inline pattern Markdown searched ``text`` with."""
    tried = []
    apply = InlineProcessor._InlineProcessor__applyPattern

    def spy(self, pattern, *args):
        tried.append(pattern.pattern)
        return apply(self, pattern, *args)

    monkeypatch.setattr(InlineProcessor, "_InlineProcessor__applyPattern", spy)
    prefetch.converter(markdown_settings(tmp_path), gate=gate).convert(text)
    return tried


def test_only_patterns_that_can_match_are_tried(monkeypatch, tmp_path):
    plain = "Chiều ngày 10/01/2024, UBND phường Nghi Hòa tổ chức Hội nghị."
    assert len(tried_patterns(monkeypatch, tmp_path, plain, gate=False)) >= 15
    assert tried_patterns(monkeypatch, tmp_path, plain, gate=True) == []
    link = "Xem [trang](https://ubnd.vn) -- nhé"
    tried = tried_patterns(monkeypatch, tmp_path, link, gate=True)
    assert LINK_RE in tried and r"(?<!-)--(?!-)" in tried
    assert ENTITY_RE not in tried and BACKTICK_RE not in tried


def test_every_inline_pattern_of_the_portal_is_gated(tmp_path):
    """A Markdown release that changes a pattern's regex leaves that pattern
    ungated (always tried, so the HTML stays right); this says which."""
    md = prefetch.converter(markdown_settings(tmp_path))
    ungated = [
        (type(pattern).__name__, getattr(pattern, "pattern", None))
        for processor in md.treeprocessors
        for pattern in getattr(processor, "inlinePatterns", ())
        if needles(pattern) is None
    ]
    assert ungated == []


def test_a_build_with_gated_patterns_is_the_build_without(tmp_path, make_content):
    files = {f"b{n}.md": STATEFUL.format(n=n) for n in range(1, 4)}
    files["tong-hop.md"] = (
        "Title: Tổng hợp -- mọi cú pháp\nDate: 2024-03-09 10:00\n"
        "Ward: Nghi Hòa\nTopics: QP-AN\n\n" + DOCUMENT
    )
    content = make_content(files)
    build(content, tmp_path / "gated", SEARCH_INDEX=False)
    prefetch.CACHE.clear()
    build(
        content, tmp_path / "plain", SEARCH_INDEX=False, SAFE_MARKDOWN_FAST_INLINE=False
    )
    assert assert_same_tree(tmp_path / "gated", tmp_path / "plain") > 4
    page = tmp_path / "gated/tin-tuc/2024/03/tong-hop-moi-cu-phap/index.html"
    assert '<a href="https://ubnd.vn">tham chiếu</a>' in page.read_text()


def numbered_reports(tmp_path, count: int) -> list[str]:
    folder = tmp_path / "md"
    folder.mkdir()
    paths = []
    for n in range(count):
        path = folder / f"b{n:03}.md"
        path.write_text(STATEFUL.format(n=n % 9 + 1), encoding="utf-8")
        paths.append(str(path))
    return paths


def read_like_pelican(paths, settings, pause=0.0) -> tuple[list, list]:
    """Ask for each file in order as the reader does, converting those the
    prefetch leaves to it; (conversions, paths converted here)."""
    md = prefetch.converter(settings)
    print_ = prefetch.fingerprint(settings)
    results, mine = [], []
    for path in paths:
        got = prefetch.lookup(path, print_) or prefetch.take(path)
        if got is None:
            got = prefetch.convert(md, path)
            mine.append(path)
        results.append(got)
        time.sleep(pause)  # Pelican's own work on the report
    return results, mine


def test_workers_and_the_reader_each_convert_a_file_once(tmp_path, monkeypatch):
    paths = numbered_reports(tmp_path, MANY)
    settings = markdown_settings(tmp_path)
    sent, keep = [], prefetch.remember
    monkeypatch.setattr(
        prefetch, "remember", lambda path, *rest: sent.append(path) or keep(path, *rest)
    )
    # listed in another order than the reader's, which start is told
    listed = sorted(paths, key=lambda path: path[::-1])
    assert listed != paths
    assert prefetch.start("site", listed, settings, 1, order=lambda: paths) == MANY
    results, mine = read_like_pelican(paths, settings, pause=0.004)
    prefetch.finish("site")
    # the reader took them from the start, the worker from the end
    assert mine == paths[: len(mine)] and sent == paths[len(mine) :][::-1]
    assert mine and sent
    md = prefetch.converter(settings, gate=False)
    assert results == [prefetch.convert(md, path) for path in paths]


def test_a_worker_that_dies_leaves_its_files_to_the_reader(tmp_path):
    paths = numbered_reports(tmp_path, MANY)
    settings = markdown_settings(tmp_path)
    prefetch.start("site", paths, settings, workers=1)
    running = prefetch._ACTIVE["site"]
    while running._back.value > MANY - 5:  # it has claimed a few files
        time.sleep(0.001)
    running._workers[0].kill()
    results, mine = read_like_pelican(paths, settings)
    prefetch.finish("site")
    md = prefetch.converter(settings)
    assert results == [prefetch.convert(md, path) for path in paths]
    assert len(mine) < MANY  # what it sent before dying was used
