"""Award tallies in a real build: article box, /khen-thuong/, JSON and CSV."""

import csv
import io
import json
import os

import awards
import pytest
from awards import ahead
from awards.summary import plain_text
from buildspeed.rebuild import text_digest
from conftest import build, soup, warnings_logged

REPORT = """Title: {title}
Date: {date}
Ward: {ward}
Topics: QP-AN
{extra}
Sáng ngày {day}, UBND phường tổ chức hội nghị tổng kết.

Toàn cảnh Hội nghị

{award}
"""
FILES = {
    "a.md": dict(
        title="Tin A",
        date="2024-01-10",
        day="10/01/2024",
        ward="Nghi Hòa",
        extra="",
        award="Dịp này, 05 tập thể và 11 cá nhân được Chủ tịch "
        "UBND phường tặng Giấy khen.",
    ),
    "b.md": dict(
        title="Tin B",
        date="2024-03-02",
        day="02/03/2024",
        ward="Nghi Hoà",
        extra="",
        award="UBND phường khen thưởng cho 01 tập thể, 02 cá nhân.",
    ),
    "c.md": dict(
        title="Tin C",
        date="2023-12-01",
        day="01/12/2023",
        ward="Bắc Hồng",
        extra="Awards: 03 tập thể, 04 cá nhân\n",
        award="UBND phường khen thưởng cho 02 tập thể và 05 cá nhân.",
    ),
    "d.md": dict(
        title="Tin D",
        date="2024-02-02",
        day="02/02/2024",
        ward="Bắc Hồng",
        extra="",
        award="Hội nghị có 80 đại biểu tham dự.",
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import logging
    import shutil

    from conftest import REGISTRY

    root = tmp_path_factory.mktemp("awards")
    content = root / "content"
    (content / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, content / "data/registry.toml")
    (content / "tin-tuc").mkdir()
    for name, values in FILES.items():
        (content / "tin-tuc" / name).write_text(REPORT.format(**values), "utf-8")
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        settings = build(
            content, root / "out", SITEURL="https://tin.example.vn", RELATIVE_URLS=False
        )
    finally:
        logging.getLogger().removeHandler(handler)
    return root / "out", warnings_logged(records, settings)


def test_article_box_states_the_tally_form_and_giver(site):
    out, _ = site
    box = soup(out / "tin-tuc/2024/01/tin-a/index.html").select_one(".award-box")
    assert box.h2.get_text() == "Khen thưởng"
    assert box.select_one(".award-count").get_text(" ", strip=True) == (
        "5 tập thể, 11 cá nhân"
    )
    assert (
        "Giấy khen" in box.dl.get_text() and "Chủ tịch UBND phường" in box.dl.get_text()
    )
    # a report without awards has no box
    assert not soup(out / "tin-tuc/2024/02/tin-d/index.html").select(".award-box")


def test_metadata_wins_and_a_disagreement_is_reported(site):
    out, messages = site
    box = soup(out / "tin-tuc/2023/12/tin-c/index.html").select_one(".award-box")
    assert "3 tập thể, 4 cá nhân" in box.get_text(" ", strip=True)
    assert (
        "content/tin-tuc/c.md: Awards: dòng Awards ghi 3 tập thể, 4 cá nhân nhưng "
        "trong bài đếm được 2 tập thể, 5 cá nhân — kiểm tra lại; trang web dùng số "
        "trên dòng Awards"
    ) in messages


def test_awards_page_has_a_table_per_year_and_a_chart(site):
    out, _ = site
    page = soup(out / "khen-thuong/index.html")
    tables = page.select("table.awards")
    assert [t.caption.get_text() for t in tables] == [
        "Khen thưởng năm 2024",
        "Khen thưởng năm 2023",
    ]
    rows = [
        [c.get_text() for c in tr.find_all(["th", "td"])]
        for tr in tables[0].tbody.find_all("tr")
    ]
    assert rows == [["Nghi Hòa", "6", "13", "0", "2"]]
    assert [c.get_text() for c in tables[1].tbody.find_all(["th", "td"])] == [
        "Bắc Hồng",
        "3",
        "4",
        "0",
        "1",
    ]
    svg = page.select_one("figure.awards-chart svg")
    assert svg["role"] == "img" and svg.title.get_text()
    labels = [t.get_text() for t in svg.select("text.chart-label")]
    values = [t.get_text() for t in svg.select("text.chart-value")]
    assert list(zip(labels, values, strict=True)) == [
        ("Nghi Hòa", "19"),
        ("Bắc Hồng", "7"),
    ]
    assert not page.select("script")


def test_ward_page_and_home_show_totals(site):
    out, _ = site
    ward = soup(out / "phuong/nghi-hoa/index.html").select_one(".ward-awards table")
    assert [c.get_text() for c in ward.tbody.find_all(["th", "td"])] == [
        "2024",
        "6",
        "13",
        "0",
        "2",
    ]
    home = soup(out / "index.html").select_one(".home-awards")
    assert home.h2.get_text() == "Khen thưởng năm 2024"
    assert home.select_one(".award-count").get_text(" ", strip=True) == (
        "6 tập thể, 13 cá nhân"
    )


def test_open_data_parses_back(site):
    out, _ = site
    data = json.loads((out / "khen-thuong/khen-thuong.json").read_text("utf-8"))
    assert [a["title"] for a in data["articles"]] == ["Tin B", "Tin A", "Tin C"]
    a = data["articles"][1]
    assert a == {
        "url": "https://tin.example.vn/tin-tuc/2024/01/tin-a/",
        "title": "Tin A",
        "date": "2024-01-10T00:00:00+07:00",
        "ward": "Nghi Hòa",
        "collectives": 5,
        "individuals": 11,
        "unsplit": 0,
        "forms": ["Giấy khen"],
        "givers": ["Chủ tịch UBND phường"],
    }
    assert {
        (r["ward"], r["year"], r["collectives"], r["individuals"])
        for r in data["by_ward_year"]
    } == {("Nghi Hòa", 2024, 6, 13), ("Bắc Hồng", 2023, 3, 4)}
    rows = list(
        csv.DictReader(
            io.StringIO((out / "khen-thuong/khen-thuong.csv").read_text("utf-8"))
        )
    )
    articles = [r for r in rows if r["kind"] == "article"]
    assert [(r["title"], r["collectives"], r["individuals"]) for r in articles] == [
        ("Tin B", "1", "2"),
        ("Tin A", "5", "11"),
        ("Tin C", "3", "4"),
    ]
    sums = {
        (r["ward"], r["year"]): (r["collectives"], r["individuals"])
        for r in rows
        if r["kind"] == "ward_year"
    }
    assert sums == {("Nghi Hòa", "2024"): ("6", "13"), ("Bắc Hồng", "2023"): ("3", "4")}


def test_unreadable_awards_line_fails_a_strict_build(tmp_path, make_content, caplog):
    values = dict(FILES["a.md"], extra="Awards: nhiều lắm\n")
    content = make_content({"a.md": REPORT.format(**values)})
    with pytest.raises(SystemExit):
        build(content, tmp_path / "out", PORTAL_STRICT=True)
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors[0].startswith(
        "content/tin-tuc/a.md: Awards: không đọc được 'nhiều lắm'"
    )


BODIES = [
    f"<p>Sáng ngày 0{n}/01/2024, UBND phường tổ chức hội nghị.</p>\n"
    f"<p>Toàn cảnh Hội nghị</p>\n<p>UBND phường khen thưởng cho 0{n} tập thể, "
    f"{n + 1} cá nhân.</p>"
    for n in range(1, 8)
]


def test_bodies_read_are_parsed_ahead_in_another_process(tmp_path, monkeypatch):
    from buildspeed.rebuild import _digest

    real = ahead.parse_awards

    def spy(text):
        (tmp_path / f"parsed-by-{os.getpid()}").touch()
        return real(text)

    monkeypatch.setattr(ahead, "parse_awards", spy)
    text_digest.new_build()
    text_digest.new_build()  # no digest remembered from another test
    early = ahead.ParseAhead(batch=3)
    for body in BODIES:
        early.add(body)
    parsed = early.finish()
    # at least the first batch of three, each as parsing it here gives
    assert len(parsed) >= 3
    expected = {_digest(b): real(plain_text(b)) for b in BODIES}
    assert all(parsed[key] == expected[key] for key in parsed)
    assert expected[_digest(BODIES[0])].collectives == 1
    assert {_digest(b) for b in BODIES[:3]} <= parsed.keys()
    workers = {p.name for p in tmp_path.glob("parsed-by-*")}
    assert workers and f"parsed-by-{os.getpid()}" not in workers
    # The digests came back with the tallies: count_awards, looking each
    # body up, does not hash those bodies again.
    import buildspeed.rebuild

    def hashed_again(text):
        raise AssertionError("a body parsed ahead was hashed again")

    monkeypatch.setattr(buildspeed.rebuild, "_digest", hashed_again)
    assert [text_digest(b) for b in BODIES[:3]] == [_digest(b) for b in BODIES[:3]]


def test_two_batches_are_parsed_at_once(monkeypatch):
    """Pelican reads the last reports faster than one process parses them
    (they were converted ahead): a second batch starts while the first
    runs.  Each batch waits at a barrier for the other; one at a time, the
    first would wait out the timeout and die, its tallies lost."""
    import multiprocessing

    barrier = multiprocessing.get_context("fork").Barrier(2, timeout=20)
    real = ahead.parse_awards

    def waits_for_the_other_batch(text):
        if not getattr(waits_for_the_other_batch, "met", False):
            waits_for_the_other_batch.met = True  # in this forked process
            barrier.wait()
        return real(text)

    monkeypatch.setattr(ahead, "parse_awards", waits_for_the_other_batch)
    early = ahead.ParseAhead(batch=3, at_once=2)
    for body in BODIES[:6]:
        early.add(body)
    assert len(early._running) == 2  # both started; collected only by add()
    early.add(BODIES[6])
    parsed = early.finish()
    assert {text_digest(b) for b in BODIES[:6]} == parsed.keys()
    assert early.pending == BODIES[6:]  # left to count_awards


def test_parsing_ahead_changes_nothing_in_the_site(tmp_path, make_content):
    content = make_content(
        {name: REPORT.format(**values) for name, values in FILES.items()}
    )
    build(content, tmp_path / "ahead", AWARDS_PARSE_AHEAD=1, SEARCH_INDEX=False)
    awards._PARSED.clear()
    build(content, tmp_path / "after", AWARDS_PARSE_AHEAD=0, SEARCH_INDEX=False)
    files = sorted(
        p.relative_to(tmp_path / "after") for p in (tmp_path / "after").rglob("*.*")
    )
    assert len(files) > 10
    for name in files:
        assert (tmp_path / "ahead" / name).read_bytes() == (
            tmp_path / "after" / name
        ).read_bytes(), name
    data = json.loads((tmp_path / "ahead/khen-thuong/khen-thuong.json").read_text())
    assert [a["collectives"] for a in data["articles"]] == [1, 5, 3]
