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
    # no "unsplit" column: every count here is split
    assert rows == [["Nghi Hòa", "6", "13", "2"]]
    assert [c.get_text() for c in tables[1].tbody.find_all(["th", "td"])] == [
        "Bắc Hồng",
        "3",
        "4",
        "1",
    ]
    # one chart per year, beside its table; collectives and individuals
    # are two figures, never added into one
    charts = page.select("section.awards-year figure.awards-chart")
    values = [
        [
            (li.select_one(".chart-name").get_text(), v.get_text())
            for v in li.select(".value")
        ]
        for chart in charts
        for li in chart.select(".chart li")
    ]
    assert values == [
        [("Nghi Hòa", "6 tập thể"), ("Nghi Hòa", "13 cá nhân")],
        [("Bắc Hồng", "3 tập thể"), ("Bắc Hồng", "4 cá nhân")],
    ]
    assert not page.select("script")


def test_ward_page_and_home_show_totals(site):
    out, _ = site
    ward = soup(out / "phuong/nghi-hoa/index.html").select_one(".ward-awards table")
    assert [c.get_text() for c in ward.tbody.find_all(["th", "td"])] == [
        "2024",
        "6",
        "13",
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


def _number(text: str) -> int:
    """Which of BODIES a plain text comes from (its day of January)."""
    return int(text.split("Sáng ngày 0", 1)[1][0])


def _parsed_where(folder):
    """{body number: pids of the processes that parsed it}, from the spy."""
    found = {}
    for mark in folder.glob("parsed-*"):
        _, pid, number = mark.name.split("-")
        found.setdefault(int(number), set()).add(int(pid))
    return found


def _spy(monkeypatch, folder, wait_in_worker=None, release_on=None):
    """parse_awards, leaving a mark of each body parsed and by which process;
    in a forked process it first waits for ``wait_in_worker`` (an Event),
    which the test's process sets when it parses body ``release_on``."""
    real, me = ahead.parse_awards, os.getpid()

    def spy(text):
        number = _number(text)
        (folder / f"parsed-{os.getpid()}-{number}").touch()
        if wait_in_worker is not None:
            if os.getpid() != me:
                assert wait_in_worker.wait(20)
            elif number == release_on:
                wait_in_worker.set()
        return real(text)

    monkeypatch.setattr(ahead, "parse_awards", spy)
    return real


def _wait_for(condition, seconds=20):
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_bodies_read_are_parsed_ahead_in_another_process(tmp_path, monkeypatch):
    from buildspeed.rebuild import _digest

    real = _spy(monkeypatch, tmp_path)
    text_digest.new_build()
    text_digest.new_build()  # no digest remembered from another test
    early = ahead.ParseAhead(batch=3)
    for body in BODIES[:2]:
        early.add(body)
    assert not early._running  # fewer than a batch: nothing forked
    for body in BODIES[2:]:
        early.add(body)
    # bodies 1-3 went as a batch, 4-6 as another (the first may be done
    # and collected by now); 7 is left
    assert early.pending == BODIES[6:]
    _wait_for(lambda: {1, 2, 3} <= _parsed_where(tmp_path).keys())
    parsed = early.finish()
    expected = {_digest(b): real(plain_text(b)) for b in BODIES}
    assert parsed == expected
    assert expected[_digest(BODIES[0])].collectives == 1
    where = _parsed_where(tmp_path)
    assert sorted(where) == [1, 2, 3, 4, 5, 6, 7]
    assert all(len(pids) == 1 for pids in where.values())  # each parsed once
    assert os.getpid() not in where[1] | where[2] | where[3]
    assert where[7] == {os.getpid()}  # the last, fewer than MIN_LAST: here
    assert not early._running  # every batch collected
    # The digests came back with the tallies: count_awards, looking each
    # body up, does not hash those bodies again.
    import buildspeed.rebuild

    def hashed_again(text):
        raise AssertionError("a body parsed ahead was hashed again")

    monkeypatch.setattr(buildspeed.rebuild, "_digest", hashed_again)
    assert [text_digest(b) for b in BODIES] == [_digest(b) for b in BODIES]


def test_a_few_bodies_are_parsed_without_a_fork(tmp_path, monkeypatch):
    """A dev rebuild reads the edited reports only: below a batch, and below
    MIN_LAST, they are parsed in Pelican's process, with no fork."""
    real = _spy(monkeypatch, tmp_path)
    early = ahead.ParseAhead(batch=64)
    for body in BODIES:
        early.add(body)
    assert early.finish() == {text_digest(b): real(plain_text(b)) for b in BODIES}
    assert set().union(*_parsed_where(tmp_path).values()) == {os.getpid()}
    assert early._claims is None  # nothing was forked


def test_the_end_of_a_batch_is_parsed_here_while_its_process_parses_the_start(
    tmp_path, monkeypatch
):
    """When the reading ends, Pelican's process parses a running batch from
    its last body back and meets the batch's process: here that process
    is held in body 1 until this one has reached body 3, so bodies 3-7 are
    this process's, body 1 the batch's and body 2 either's, each parsed
    once."""
    import multiprocessing

    held = multiprocessing.get_context("fork").Event()
    real = _spy(monkeypatch, tmp_path, wait_in_worker=held, release_on=3)
    early = ahead.ParseAhead(batch=7)
    for body in BODIES:
        early.add(body)  # one batch, 1-7
    _wait_for(lambda: early._claims[0])  # its process holds body 1
    parsed = early.finish()
    assert parsed == {text_digest(b): real(plain_text(b)) for b in BODIES}
    where = _parsed_where(tmp_path)
    assert all(len(pids) == 1 for pids in where.values())
    (batch,) = where[1]
    assert batch != os.getpid()
    assert all(where[n] == {os.getpid()} for n in range(3, 8))


def test_the_last_bodies_get_a_process_of_their_own(tmp_path, monkeypatch):
    """At least MIN_LAST bodies left when the reading ends are forked as one
    more batch, whose end this process parses: both processes parse them."""
    real = _spy(monkeypatch, tmp_path)
    early = ahead.ParseAhead(batch=1000, last=4)
    bodies = BODIES * 40  # the same 7 bodies: 280 to parse
    for body in bodies:
        early.add(body)
    assert not early._running
    assert early.finish() == {text_digest(b): real(plain_text(b)) for b in BODIES}
    assert len(set().union(*_parsed_where(tmp_path).values())) == 2


def test_a_batch_that_died_loses_no_tally(tmp_path, monkeypatch):
    """A batch's process dies in its first body: finish() does not wait for
    it, gives what this process parsed, and count_awards parses the rest."""
    real, me = ahead.parse_awards, os.getpid()

    def dies_in_the_batch(text):
        if os.getpid() != me:
            os._exit(3)
        return real(text)

    monkeypatch.setattr(ahead, "parse_awards", dies_in_the_batch)
    early = ahead.ParseAhead(batch=7)
    for body in BODIES:
        early.add(body)
    _wait_for(lambda: early._claims[0])
    parsed = early.finish()
    left = [b for b in BODIES if text_digest(b) not in parsed]
    assert left == BODIES[:1]  # the body it died in
    awards._PARSED.clear()
    awards._PARSED.update(parsed)
    tallies = awards.parse_all(BODIES, workers=1)
    assert tallies == [real(plain_text(b)) for b in BODIES]


def test_a_claim_lock_never_given_back_stops_nothing(monkeypatch):
    """A process killed while it held the claim lock: the batches and
    Pelican's process give up parsing ahead after LOCK_WAIT, and
    count_awards parses whatever is left; nothing hangs, no tally is lost."""
    import time

    monkeypatch.setattr(ahead, "LOCK_WAIT", 0.2)
    early = ahead.ParseAhead(batch=3)
    early.add(BODIES[0])
    early._start()  # allocates the lock and claims with one batch of 1
    early._collect(early._running[0], block=True)
    early._lock.acquire()  # held for good, as by a process killed holding it
    for body in BODIES[1:]:
        early.add(body)  # batches 2-4 and 5-7
    started = time.monotonic()
    parsed = early.finish()
    assert time.monotonic() - started < 10
    assert text_digest(BODIES[0]) in parsed
    awards._PARSED.clear()
    awards._PARSED.update(parsed)
    real = ahead.parse_awards
    assert awards.parse_all(BODIES, workers=1) == [real(plain_text(b)) for b in BODIES]


def test_a_batch_is_an_eighth_of_the_reports_within_bounds():
    assert ahead.batch_for(1_000) == 125
    assert ahead.batch_for(100) == ahead.MIN_BATCH
    assert ahead.batch_for(100_000) == ahead.BATCH


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


def _summary_of_awkward_rows():
    """Rows whose text needs escaping, with empty and full lists."""
    from awards.parser import Tally
    from awards.summary import Row, summarize

    rows = [
        Row(
            url=f"2024/0{n}/tin-{n}/",
            title=title,
            date=f"2024-0{n}-10T08:00:00+07:00",
            year=2024 - (n % 2),
            ward=ward,
            ward_slug=slug,
            tally=Tally(n, 2 * n, n % 2, forms, givers),
        )
        for n, (title, ward, slug, forms, givers) in enumerate(
            [
                ('Hội nghị "tổng kết", năm 2023', "Nghi Hòa", "nghi-hoa", [], []),
                (
                    "Dòng\nmới\tvà \\ gạch",
                    "Nghi Hương",
                    "nghi-huong",
                    ["Giấy khen"],
                    [],
                ),
                (
                    "Ký tự \x01 và \u2028 lạ; dấu, phẩy",
                    "Nghi Hòa",
                    "nghi-hoa",
                    ["Giấy khen", "Bằng khen"],
                    ["UBND phường Nghi Hòa", 'Đảng ủy "A"'],
                ),
            ],
            start=1,
        )
    ]
    return summarize(rows, [("nghi-hoa", "Nghi Hòa"), ("nghi-huong", "Nghi Hương")])


@pytest.mark.parametrize("site", ["", "https://phuong.example.vn"])
def test_open_data_files_are_what_json_and_csv_modules_write(site):
    """The JSON writer joins strings escaped by the json module's C code and
    the CSV one writes plain rows: the bytes must be json.dump's (indent=1,
    not ASCII) and csv.DictWriter's, for text that needs escaping and for a
    site without any award."""
    from awards.summary import (
        CSV_FIELDS,
        Summary,
        open_data,
        summarize,
        write_csv,
        write_json,
    )

    for summary in (_summary_of_awkward_rows(), summarize([], []), Summary()):
        ours = io.StringIO()
        write_json(summary, ours, site)
        reference = io.StringIO()
        json.dump(open_data(summary, site), reference, ensure_ascii=False, indent=1)
        assert ours.getvalue() == reference.getvalue() + "\n"
        assert json.loads(ours.getvalue()) == open_data(summary, site)

        ours = io.StringIO()
        write_csv(summary, ours, site)
        reference = io.StringIO()
        writer = csv.DictWriter(reference, CSV_FIELDS, lineterminator="\n")
        writer.writeheader()
        for r in summary.rows:
            writer.writerow(
                {
                    "kind": "article",
                    "url": f"{site}/{r.url}",
                    "title": r.title,
                    "date": r.date,
                    "ward": r.ward,
                    "year": r.year,
                    "collectives": r.tally.collectives,
                    "individuals": r.tally.individuals,
                    "unsplit": r.tally.unsplit,
                    "forms": "; ".join(r.tally.forms),
                    "givers": "; ".join(r.tally.givers),
                }
            )
        names = dict(summary.wards)
        for (slug, year), t in sorted(
            summary.by_ward_year.items(), key=lambda kv: (kv[0][0], -kv[0][1])
        ):
            writer.writerow(
                {
                    "kind": "ward_year",
                    "ward": names[slug],
                    "year": year,
                    "collectives": t.collectives,
                    "individuals": t.individuals,
                    "unsplit": t.unsplit,
                }
            )
        assert ours.getvalue() == reference.getvalue()
