"""Wards through time in real builds of a tiny fixture: one merger (Nghi Hòa
and Nghi Hải into Cửa Lò) and one rename (Hòa Bình to Bình An).

Resolution numbers in the fixture are examples ("VD-..."), not facts.
"""

import json
import subprocess
import sys

import pytest
from conftest import ROOT, build, soup
from portal.problems import StrictBuildFailed
from test_ward_history import REGISTRY as HISTORY

# The unit tests' registry (one rename, one merger), the new ward under a
# town so that its breadcrumb names one.
REGISTRY = HISTORY.lstrip("\n").replace(
    'town = "tỉnh Nghệ An"', 'town = "thành phố Ví Dụ"'
) + ('\n[[topic]]\nname = "Quốc phòng – An ninh"\n')

REPORT = """\
Title: {title}
Date: {date}
Ward: {ward}
Topics: Quốc phòng – An ninh
{extra}
Nội dung bản tin {title}.
"""

REPORTS = {
    "nghi-hoa.md": ("Tin Nghi Hòa", "2024-01-10", "Nghi Hoà", "Awards: 01 tập thể"),
    "nghi-hai.md": ("Tin Nghi Hải", "2025-03-01", "Nghi Hải", ""),
    "cua-lo.md": ("Tin Cửa Lò", "2025-08-01", "Cửa Lò", "Awards: 03 tập thể"),
    "hoa-binh.md": ("Tin Hòa Bình", "2024-03-01", "Hòa Bình", ""),
}


def write_content(root, reports=REPORTS, registry=REGISTRY):
    content = root / "content"
    (content / "data").mkdir(parents=True)
    (content / "tin-tuc").mkdir()
    (content / "data/registry.toml").write_text(registry, encoding="utf-8")
    for name, (title, date, ward, extra) in reports.items():
        text = REPORT.format(title=title, date=date, ward=ward, extra=extra)
        (content / "tin-tuc" / name).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("wards")
    output = root / "output"
    build(write_content(root), output)
    return output


def page(site, url):
    return soup(site / url / "index.html")


def article(site, slug, month):
    return page(site, f"tin-tuc/{month}/{slug}")


def text(element) -> str:
    """An element's text as a reader sees it: spaces collapsed."""
    return " ".join(element.get_text().split())


def crumbs(html):
    return [text(li) for li in html.select("nav.breadcrumb li")]


def test_report_shows_its_ward_as_on_its_date_and_where_it_is_now(site):
    html = article(site, "tin-nghi-hoa", "2024/01")
    assert crumbs(html)[1] == "Phường Nghi Hòa, thị xã Cửa Lò"
    note = html.select_one(".ward-note")
    assert text(note) == "Từ 01/07/2025 thuộc phường Cửa Lò"
    assert note.a["href"].endswith("/phuong/cua-lo/")
    # under the same ward, a later report shows its later unit
    html = article(site, "tin-nghi-hai", "2025/03")
    assert crumbs(html)[1] == "Phường Nghi Hải, thị xã Cửa Lò"


def test_renamed_ward_note(site):
    html = article(site, "tin-hoa-binh", "2024/03")
    assert crumbs(html)[1] == "Phường Hòa Bình, thị xã Ví Dụ"
    note = html.select_one(".ward-note")
    assert text(note) == "Từ 01/06/2024 đổi tên thành phường Bình An"
    assert note.a["href"].endswith("/phuong/binh-an/")


def test_unchanged_ward_has_no_note(site):
    html = article(site, "tin-cua-lo", "2025/08")
    assert html.select_one(".ward-note") is None
    assert crumbs(html)[1] == "Phường Cửa Lò, thành phố Ví Dụ"


def test_former_ward_page_says_so_and_keeps_its_reports_and_feed(site):
    html = page(site, "phuong/nghi-hoa")
    former = text(html.select_one(".ward-former"))
    assert former.startswith("Phường Nghi Hòa không còn từ 01/07/2025")
    assert "sáp nhập vào phường Cửa Lò" in former
    assert "Nghị quyết VD-2/NQ ngày 16/06/2025, hiệu lực từ 01/07/2025" in former
    history = text(html.select_one(".ward-history"))
    assert "thị xã Cửa Lò (đến 30/11/2024)" in history
    assert "thành phố Vinh (từ 01/12/2024 đến 30/06/2025, Nghị quyết VD-1/NQ)" in (
        history
    )
    titles = [a.get_text(strip=True) for a in html.select(".card-title a")]
    assert titles == ["Tin Nghi Hòa"]
    feed = (site / "phuong/nghi-hoa/atom.xml").read_text(encoding="utf-8")
    assert "Tin Nghi Hòa" in feed


def test_successor_page_lists_its_own_and_apart_its_predecessors(site):
    html = page(site, "phuong/cua-lo")
    intro = text(html.select_one(".term-intro"))
    assert "1 bản tin của phường · 2 bản tin của các phường trước đây" in intro
    own = [a.get_text(strip=True) for a in html.select(".card-title a")]
    assert own == ["Tin Cửa Lò"]
    created = text(html.select_one(".ward-history"))
    assert "Thành lập từ 01/07/2025 trên cơ sở phường Nghi Hòa, phường Nghi Hải" in (
        created
    )
    section = html.select_one(".ward-predecessors")
    listed = [a.get_text(strip=True) for a in section.select("li a")]
    assert listed == ["Tin Nghi Hòa", "Tin Nghi Hải"]
    feed = (site / "phuong/cua-lo/atom.xml").read_text(encoding="utf-8")
    assert "Tin Cửa Lò" in feed and "Tin Nghi Hòa" not in feed


def test_award_tallies_follow_the_dated_ward(site):
    data = json.loads((site / "khen-thuong/khen-thuong.json").read_text("utf-8"))
    by_ward = {(r["ward"], r["year"]): r["collectives"] for r in data["by_ward_year"]}
    assert by_ward == {("Nghi Hòa", 2024): 1, ("Cửa Lò", 2025): 3}
    html = page(site, "phuong/cua-lo")
    own = html.select_one(".ward-awards table")
    assert [th.get_text(strip=True) for th in own.select("tbody th")] == ["2025"]
    former = html.select_one(".ward-predecessors table")
    assert "trước đây" in former.caption.get_text()
    assert [th.get_text(strip=True) for th in former.select("tbody th")] == [
        "Nghi Hòa — 2024"
    ]


def test_successor_without_reports_gets_a_page_without_feed(site):
    html = page(site, "phuong/binh-an")
    intro = text(html.select_one(".term-intro"))
    assert "0 bản tin của phường · 1 bản tin của các phường trước đây" in intro
    assert not (site / "phuong/binh-an/atom.xml").exists()
    assert [a.get_text(strip=True) for a in html.select(".ward-predecessors li a")] == [
        "Tin Hòa Bình"
    ]


def test_wards_index_groups_by_current_unit(site):
    html = page(site, "phuong")
    groups = {
        h2.get_text(strip=True): [
            text(li)
            for li in h2.find_next_sibling("ul").find_all("li", recursive=False)
        ]
        for h2 in html.select("main h2")
    }
    assert list(groups) == ["Thành phố Ví Dụ, Nghệ An", "Thị xã Ví Dụ, Hà Tĩnh"]
    [cua_lo] = groups["Thành phố Ví Dụ, Nghệ An"]
    assert cua_lo.startswith("Phường Cửa Lò 1 bản tin")
    assert "Trước đây: phường Nghi Hòa (1 bản tin), phường Nghi Hải" in cua_lo
    [binh_an] = groups["Thị xã Ví Dụ, Hà Tĩnh"]
    assert "Trước đây: phường Hòa Bình" in binh_an


def run_check(content):
    return subprocess.run(
        [sys.executable, "-m", "editor", "check", str(content)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    "ward, date, expected",
    [
        (
            "Nghi Hòa",
            "2026-01-05",
            "content/tin-tuc/late.md:3: Ward: phường Nghi Hòa không còn từ "
            "01/07/2025 — có phải ý bạn là phường Cửa Lò? — sửa dòng Ward thành "
            "'Cửa Lò'",
        ),
        (
            "Cửa Lò",
            "2024-05-02",
            "content/tin-tuc/late.md:3: Ward: phường Cửa Lò thành lập từ "
            "01/07/2025, sau ngày của bài (02/05/2024)",
        ),
    ],
)
def test_check_a_report_outside_its_wards_dates(tmp_path, ward, date, expected):
    content = write_content(tmp_path, {"late.md": ("Tin", date, ward, "")})
    result = run_check(content)
    assert result.returncode == 1
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), (
        result.stdout
    )
    # the strict (publish) build stops on the same rule
    with pytest.raises(StrictBuildFailed):
        build(content, tmp_path / "out", PORTAL_STRICT=True)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "  until = 2024-11-30\n",
            "  until = 2024-12-05\n",
            "content/data/registry.toml:15: from: phường Nghi Hòa: giai đoạn thuộc "
            "thành phố Vinh trùng thời gian với giai đoạn thuộc thị xã Cửa Lò",
        ),
        (
            'ended_basis = "VD-3/NQ"\n',
            "",
            "content/data/registry.toml:39: ended: thay đổi của phường Hòa Bình "
            "chưa có căn cứ pháp lý ('ended_basis')",
        ),
    ],
)
def test_check_registry_history(tmp_path, old, new, expected):
    assert old in REGISTRY
    content = write_content(tmp_path, {}, REGISTRY.replace(old, new, 1))
    result = run_check(content)
    assert result.returncode == 1
    assert any(line.startswith(expected) for line in result.stdout.splitlines()), (
        result.stdout
    )
    # the build reports the same problem; a strict build stops on it
    with pytest.raises(StrictBuildFailed):
        build(content, tmp_path / "out", PORTAL_STRICT=True)


def test_fixture_passes_check(tmp_path):
    result = run_check(write_content(tmp_path))
    assert "LỖI" not in result.stdout, result.stdout
