"""Award tallies in a real build: article box, /khen-thuong/, JSON and CSV."""

import csv
import io
import json

import pytest
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
    """The open-data files are json.dump's (indent=1, not ASCII) and
    csv.DictWriter's bytes, for text that needs escaping and for a site
    without any award."""
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
