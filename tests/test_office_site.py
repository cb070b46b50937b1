"""Full builds with example announcements, documents and contacts: their
pages, filter pages, feeds and PDFs, the home page's strip, the footer read
from the settings, and the errors that stop a strict build."""

import xml.etree.ElementTree as ET

import pytest
from conftest import CONTENT, ROOT, build, soup
from editor.check import check_folder
from office_fixtures import DOCUMENTS, OFFICE, PDF, office_content
from pelican.settings import read_settings
from portal.problems import StrictBuildFailed

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("office")
    content = office_content(root)
    out = root / "out"
    build(content, out, PHOTOS_CACHE=str(root / "cache"), **OFFICE)
    return out


def feed_titles(path):
    return [e.findtext(f"{ATOM}title") for e in ET.parse(path).iter(f"{ATOM}entry")]


def test_the_header_and_footer_say_whose_portal_it_is(site):
    page = soup(site / "index.html")
    header = page.select_one(".site-header")
    assert header.select_one(".site-title").get_text() == OFFICE["OFFICE_PORTAL_NAME"]
    logo = header.select_one("img.logo")
    assert logo["src"].endswith("theme/img/logo.svg")
    assert (logo["width"], logo["height"]) == ("48", "48")  # no layout shift
    assert (site / "theme/img/logo.svg").read_text().startswith("<svg")
    footer = page.select_one(".site-footer")
    lines = {
        dt.get_text(): dt.find_next_sibling("dd").get_text()
        for dt in footer.select(".office-lines dt")
    }
    assert lines == {
        "Cơ quan chủ quản": OFFICE["OFFICE_AGENCY"],
        "Người chịu trách nhiệm": OFFICE["OFFICE_RESPONSIBLE"],
        "Địa chỉ": OFFICE["OFFICE_ADDRESS"],
        "Điện thoại": OFFICE["OFFICE_PHONE"],
        "Thư điện tử": OFFICE["OFFICE_EMAIL"],
    }  # no licence line: the setting is empty
    assert footer.select_one('a[href="tel:02381112222"]')
    assert footer.find("a", string="Liên hệ")["href"] == "./lien-he/"


def test_the_shipped_settings_use_only_marked_examples():
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    for name in (
        "OFFICE_AGENCY",
        "OFFICE_RESPONSIBLE",
        "OFFICE_ADDRESS",
        "OFFICE_PHONE",
    ):
        assert not settings[name] or "(ví dụ)" in settings[name], name
    assert not settings["OFFICE_EMAIL"] or settings["OFFICE_EMAIL"].endswith(
        "@example.vn"
    )


def test_announcements_have_pages_a_list_a_feed_and_a_strip_while_current(site):
    listing = soup(site / "thong-bao/index.html")
    titles = [a.get_text() for a in listing.select(".notice-list li > a")]
    assert titles == [
        "Lịch tiếp công dân tháng 12 (ví dụ)",
        "Thông báo tạm ngừng cấp nước (ví dụ)",
    ]
    assert "đã hết hạn" in listing.select(".notice-list li")[1].get_text()
    page = soup(site / "thong-bao/2024/lich-tiep-cong-dan-thang-12-vi-du/index.html")
    assert page.h1.get_text() == "Lịch tiếp công dân tháng 12 (ví dụ)"
    assert feed_titles(site / "thong-bao/atom.xml") == titles
    strip = soup(site / "index.html").select_one(".notice-strip")
    assert [a.get_text() for a in strip.select("li a")] == [titles[0]]  # not expired


def test_no_strip_without_a_current_announcement(tmp_path):
    content = office_content(
        tmp_path,
        announcements={
            "thong-bao/lich-tiep-dan.md": "Title: Cũ (ví dụ)\nDate: 2024-01-01\n"
            "Expires: 2024-01-31\n\nHết hạn.\n"
        },
    )
    build(content, tmp_path / "out", PHOTOS_CACHE=str(tmp_path / "cache"))
    assert soup(tmp_path / "out/index.html").select_one(".notice-strip") is None


def test_documents_have_pages_pdfs_filters_without_javascript_and_a_feed(site):
    page = soup(site / "van-ban/2024/12-kh-ubnd/index.html")
    facts = {
        dt.get_text(): dt.find_next_sibling("dd").get_text()
        for dt in page.select(".doc-facts dt")
    }
    assert facts["Số hiệu"] == "12/KH-UBND"
    assert facts["Ngày ban hành"] == "02/10/2024"
    assert facts["Cơ quan ban hành"] == "UBND phường Nghi Hòa"
    assert facts["Loại văn bản"] == "Kế hoạch"
    link = page.select_one(".download a")
    assert link["href"].endswith("ke-hoach-12.pdf")
    assert (site / "van-ban/2024/12-kh-ubnd/ke-hoach-12.pdf").read_bytes() == PDF
    listing = soup(site / "van-ban/index.html")
    assert not listing.find("script")
    filters = {
        h3.get_text(): [a.get_text() for a in h3.find_next_sibling("ul").select("a")]
        for h3 in listing.select(".doc-filters h3")
    }
    assert filters == {
        "Theo năm": ["2024", "2023"],
        "Theo loại": ["Kế hoạch", "Quyết định"],  # "quyết định" as the list spells it
        "Theo cơ quan ban hành": ["UBND phường Nghi Hải", "UBND phường Nghi Hòa"],
    }
    for path, numbers in (
        ("van-ban/nam/2023/index.html", ["30/QĐ-UBND"]),
        ("van-ban/loai/ke-hoach/index.html", ["12/KH-UBND"]),
        ("van-ban/co-quan/ubnd-phuong-nghi-hai/index.html", ["30/QĐ-UBND"]),
    ):
        rows = soup(site / path).select("table.docs tbody th a")
        assert [a.get_text() for a in rows] == numbers, path
    assert feed_titles(site / "van-ban/atom.xml") == [
        "Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc (ví dụ)",
        "Quyết định thành lập tổ công tác (ví dụ)",
    ]


def test_contacts_per_ward_and_for_the_portal_stay_out_of_articles(site):
    ward = soup(site / "lien-he/nghi-hoa/index.html")
    assert ward.h1.get_text() == "Liên hệ Phường Nghi Hòa"
    leaders = [
        [cell.get_text() for cell in row.select("th, td")[:2]]
        for row in ward.select("table.contacts tbody tr")
    ]
    assert leaders == [
        ["Nguyễn Văn A (ví dụ)", "Chủ tịch UBND phường"],
        ["Trần Thị B (ví dụ)", "Công chức Văn phòng – Thống kê"],
    ]
    assert ward.select_one('a[href="mailto:nghihoa@example.vn"]')
    portal = soup(site / "lien-he/index.html")
    assert portal.find("a", string="Phường Nghi Hòa")["href"] == "../lien-he/nghi-hoa/"
    assert "chưa cập nhật" in portal.get_text()  # wards without contacts
    assert not (site / "lien-he/nghi-hai").exists()
    for article in (site / "tin-tuc").rglob("index.html"):
        assert "nghihoa@example.vn" not in article.read_text(encoding="utf-8")


def test_make_check_names_the_document_missing_its_number_or_pdf(tmp_path):
    bad = DOCUMENTS["van-ban/2024/ke-hoach-12.md"].replace("Number: 12/KH-UBND\n", "")
    content = office_content(
        tmp_path,
        documents={"van-ban/2024/ke-hoach-12.md": bad},
        pdfs=["van-ban/2024/ke-hoach-12.pdf"],  # quyet-dinh-30.pdf is missing
    )
    found = [
        (f.path, f.field, f.level)
        for f in check_folder(content)
        if f.path.startswith("content/van-ban")
    ]
    assert found == [
        ("content/van-ban/2024/ke-hoach-12.md", "Number", "error"),
        ("content/van-ban/2024/quyet-dinh-30.md", "File", "error"),
    ]


def test_a_strict_build_stops_on_a_missing_pdf_and_a_dev_build_leaves_it_out(
    tmp_path, caplog
):
    content = office_content(tmp_path, pdfs=["van-ban/2024/ke-hoach-12.pdf"])
    with pytest.raises(StrictBuildFailed):
        build(content, tmp_path / "strict", PORTAL_STRICT=True, PHOTOS_CACHE="")
    assert not (tmp_path / "strict/index.html").exists()
    assert any(
        "content/van-ban/2024/quyet-dinh-30.md: File: không tìm thấy tệp "
        "quyet-dinh-30.pdf" in r.getMessage()
        for r in caplog.records
    )
    build(content, tmp_path / "dev", PHOTOS_CACHE=str(tmp_path / "cache"))
    assert (tmp_path / "dev/van-ban/2024/12-kh-ubnd/index.html").exists()
    assert not (tmp_path / "dev/van-ban/2023").exists()


def test_a_published_article_has_plain_share_links(tmp_path):
    content = office_content(tmp_path)
    out = tmp_path / "out"
    build(
        content,
        out,
        "publishconf.py",
        PHOTOS_CACHE=str(tmp_path / "cache"),
        SITEURL="https://tin.example.vn",
    )
    article = next((out / "tin-tuc").rglob("index.html"))
    page = soup(article)
    links = {
        a.get_text(" ", strip=True).split()[0]: a["href"]
        for a in page.select(".share a")
    }
    assert links["Facebook"].startswith("https://www.facebook.com/sharer/sharer.php?u=")
    assert "https%3A%2F%2Ftin.example.vn%2Ftin-tuc%2F" in links["Zalo"]
    assert not page.select('script[src*="facebook"], script[src*="zalo"]')
    footer = page.select_one(".site-footer")
    assert footer.find("a", string="Nhận tất cả tin mới (RSS)")
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    for path in (
        "van-ban/2024/12-kh-ubnd/",
        "van-ban/loai/ke-hoach/",
        "lien-he/nghi-hoa/",
    ):
        assert f"<loc>https://tin.example.vn/{path}</loc>" in sitemap


def test_the_awards_page_has_one_chart_per_year_and_no_empty_unsplit_column(site):
    page = soup(site / "khen-thuong/index.html")
    sections = page.select("section.awards-year")
    assert [s.h2.get_text() for s in sections] == ["Khen thưởng năm 2024"]
    chart = sections[0].select(".chart li")
    values = [[v.get_text() for v in li.select(".value")] for li in chart]
    assert values == [["5 tập thể", "5 cá nhân"], ["2 tập thể", "5 cá nhân"]]
    assert "Lượt (chưa tách)" not in page.get_text()


def test_the_404_page_has_a_search_box_and_the_main_links(site):
    page = soup(site / "404.html")
    form = page.select_one("form[role=search]")
    assert form["action"].endswith("tim-kiem/") and form.select_one("input[name=q]")
    links = [a.get_text() for a in page.select(".not-found-links a")]
    assert links[:2] == ["Về trang chủ", "Tin theo phường"]
    assert {"Thông báo", "Văn bản", "Liên hệ"} <= set(links)


def test_without_announcements_or_documents_no_empty_feed_is_written(tmp_path):
    out = tmp_path / "out"
    build(CONTENT, out, PHOTOS_CACHE=str(tmp_path / "cache"))
    assert "Chưa có thông báo nào." in (out / "thong-bao/index.html").read_text()
    assert "Chưa có văn bản nào." in (out / "van-ban/index.html").read_text()
    assert not (out / "thong-bao/atom.xml").exists()
    assert not (out / "van-ban/atom.xml").exists()
    assert "atom.xml" not in (out / "index.html").read_text().split("site-footer")[1]


def test_unsplit_counts_show_with_an_explanation_only_when_there_are_some(tmp_path):
    content = office_content(tmp_path)
    (content / "tin-tuc/2024/luot.md").write_text(
        "Title: Nghi Hải tổng kết thi đua (ví dụ)\nDate: 2024-05-02\nWard: Nghi Hải\n"
        "Topics: Quốc phòng – An ninh\n\n"
        "Năm 2023, UBND phường đã khen thưởng cho 126 lượt tập thể, cá nhân.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build(content, out, PHOTOS_CACHE=str(tmp_path / "cache"))
    page = soup(out / "khen-thuong/index.html")
    (table,) = page.select("table.awards")
    assert [th.get_text() for th in table.thead.select("th")] == [
        "Phường, xã",
        "Tập thể",
        "Cá nhân",
        "Lượt (chưa tách)",
        "Số bản tin",
    ]
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.select("td")]
        for tr in table.tbody.select("tr")
    }
    assert rows["Nghi Hải"] == ["0", "0", "126", "1"]
    assert page.select_one(".note").get_text().startswith("Lượt (chưa tách): số lượt")


def test_editor_html_in_an_announcement_is_cut_to_the_allowlist(tmp_path, make_content):
    """Announcements are read by the same sanitizing reader as reports."""
    content = make_content(
        {
            "thong-bao/a.md": "Title: Thông báo\nDate: 2024-11-25\n\n"
            'Nội dung.<script>alert(1)</script><img src="x.png" onerror="alert(2)">\n'
        }
    )
    out = tmp_path / "out"
    build(content, out, SEARCH_INDEX=False)
    page = next(out.glob("thong-bao/2024/*/index.html")).read_text(encoding="utf-8")
    assert "Nội dung." in page
    assert "alert(" not in page and "onerror" not in page
