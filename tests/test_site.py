"""Full builds of the real content/ and of tiny fixture folders."""

import unicodedata

import pytest
from conftest import SEEDS, build, soup, warnings_logged

NGHI_HOA = "tin-tuc/2024/01/nghi-hoa-tong-ket-cong-tac-quoc-phong-an-ninh-nam-2023"
BAC_HONG = "tin-tuc/2024/01/bac-hong-tong-ket-cong-tac-quoc-phong-an-ninh-nam-2023"
CAPTIONS = {
    "Toàn cảnh Hội nghị",
    "Đ/c Thượng tá Nguyễn Cảnh Hiền, Chỉ huy phó - Ban chỉ huy Quân sự thị xã "
    "đã phát biểu ý kiến chỉ đạo tại hội nghị",
    "Các tập thể, cá nhân được khen thưởng năm 2023",
}


def seed_paragraphs(name: str, byline: bool) -> list[str]:
    lines = (SEEDS / name).read_text(encoding="utf-8").strip().split("\n")
    lines = [unicodedata.normalize("NFC", line.strip()) for line in lines]
    if byline:
        lines = lines[:-1]
    return [line for line in lines if line not in CAPTIONS]


def prose_paragraphs(page) -> list[str]:
    return [p.get_text() for p in page.select(".prose > p")]


@pytest.mark.parametrize(
    "url, seed, has_byline",
    [
        (NGHI_HOA, "000_394e8b85881fab3e.txt", True),
        (BAC_HONG, "002_f3510dd6d74c8f70.txt", False),
    ],
)
def test_reports_keep_their_text_verbatim(site, url, seed, has_byline):
    output, _, _ = site
    page = soup(output / url / "index.html")
    paragraphs = prose_paragraphs(page)
    expected = seed_paragraphs(seed, has_byline)
    assert [p for p in paragraphs if p in expected] == expected
    assert all(unicodedata.is_normalized("NFC", p) for p in paragraphs)


def test_dates_are_vietnamese(site):
    output, _, _ = site
    first = soup(output / NGHI_HOA / "index.html").select_one("article time")
    second = soup(output / BAC_HONG / "index.html").select_one("article time")
    assert first.get_text() == "Thứ Tư, 10/01/2024"
    assert first["datetime"].startswith("2024-01-10T00:00:00+07:00")
    assert second.get_text() == "Thứ Sáu, 12/01/2024"


def test_byline_gives_two_authors_and_no_byline_gives_none(site):
    output, _, _ = site
    byline = soup(output / NGHI_HOA / "index.html").select_one(".byline")
    assert [a.get_text() for a in byline.find_all("a")] == ["Phan Thành", "Duy Quý"]
    assert soup(output / BAC_HONG / "index.html").select_one(".byline") is None
    assert sorted(p.name for p in (output / "tac-gia").iterdir()) == [
        "duy-quy",
        "phan-thanh",
    ]


def test_ward_and_topics_come_from_the_registry(site):
    output, _, _ = site
    page = soup(output / NGHI_HOA / "index.html")
    assert page.select_one(".ward").get_text() == "Phường Nghi Hòa"
    topics = [t.get_text() for t in page.select(".topic")]
    assert topics == ["Quốc phòng – An ninh", "An toàn giao thông"]


def test_missing_photos_are_labelled_as_illustrations(site):
    output, _, _ = site
    page = soup(output / BAC_HONG / "index.html")
    images = page.select(".prose img")
    assert len(images) == 3
    assert all(img["alt"].startswith("Ảnh minh họa: ") for img in images)


def test_home_lists_both_reports_newest_first(site):
    output, _, _ = site
    home = soup(output / "index.html")
    titles = [a.get_text() for a in home.select(".lead-title a, .card-title a")]
    assert titles == [
        "Bắc Hồng tổng kết công tác Quốc phòng – An ninh năm 2023",
        "Nghi Hòa tổng kết công tác Quốc phòng – An ninh năm 2023",
    ]


def test_about_and_404_pages(site):
    output, _, _ = site
    about = soup(output / "gioi-thieu" / "index.html")
    assert about.h1.get_text() == "Giới thiệu"
    assert about.html["lang"] == "vi"
    not_found = soup(output / "404.html")
    assert not_found.h1.get_text() == "Không tìm thấy trang"
    assert not_found.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # hidden: never listed in the navigation
    assert "404" not in [a.get_text() for a in about.select("nav a")]


def test_real_content_builds_without_warnings(site):
    _, settings, records = site
    assert warnings_logged(records, settings) == []


def test_metadata_and_editor_html_are_escaped_or_cleaned(tmp_path, make_content):
    content = make_content(
        {
            "xss.md": "Title: Tin <script>alert(1)</script> mới\n"
            "Date: 2024-03-05\nWard: Nghi Hòa\n"
            "Summary: Tóm tắt <b onmouseover=x>đậm</b>\n\n"
            "Đoạn một <script>alert(2)</script>"
            '<a href="javascript:alert(3)">bấm</a>'
            '<img src="x.jpg" onerror="alert(4)" alt="a">'
            '<iframe src="https://example.com"></iframe>\n'
        }
    )
    build(content, tmp_path / "out")
    html = (tmp_path / "out/tin-tuc/2024/03/tin-alert1-moi/index.html").read_text()
    page = soup(tmp_path / "out/tin-tuc/2024/03/tin-alert1-moi/index.html")
    assert page.h1.get_text() == "Tin <script>alert(1)</script> mới"
    assert "<script>" not in html and "<iframe" not in html
    attributes = [name for tag in page.find_all(True) for name in tag.attrs]
    assert not [name for name in attributes if name.startswith("on")]
    assert not page.select('a[href^="javascript"]')
    assert page.select_one(".prose p").get_text() == "Đoạn một bấm"
    assert page.find("meta", attrs={"name": "description"})["content"] == (
        "Tóm tắt <b onmouseover=x>đậm</b>"
    )


def test_nfd_source_comes_out_nfc(tmp_path, make_content):
    title = unicodedata.normalize("NFD", "Hội nghị phường Nghi Hoà")
    content = make_content(
        {
            "nfd.md": f"Title: {title}\nDate: 2024-03-05\nWard: Nghi Hoà\n\n"
            + unicodedata.normalize("NFD", "Đảng uỷ phường tổ chức hội nghị.")
            + "\n"
        }
    )
    build(content, tmp_path / "out")
    page = soup(tmp_path / "out/tin-tuc/2024/03/hoi-nghi-phuong-nghi-hoa/index.html")
    assert page.h1.get_text() == unicodedata.normalize("NFC", title)
    assert page.select_one(".prose p").get_text() == "Đảng uỷ phường tổ chức hội nghị."
    assert page.select_one(".ward").get_text() == "Phường Nghi Hòa"


ARTICLE = (
    "Title: Tin thử\nDate: 2024-03-05\nWard: {ward}\nTopics: {topics}\n\nNội dung.\n"
)


def test_unknown_ward_warns_in_dev_builds(tmp_path, make_content, caplog):
    content = make_content({"a.md": ARTICLE.format(ward="Nghi Hoa", topics="QP-AN")})
    settings = build(content, tmp_path / "out")
    messages = warnings_logged(caplog.records, settings)
    assert messages == [
        "content/tin-tuc/a.md:3: Ward: không có phường 'Nghi Hoa' trong danh mục — "
        "có phải ý bạn là: Nghi Hòa? sửa dòng Ward hoặc thêm vào "
        "content/data/registry.toml"
    ]
    assert (tmp_path / "out/tin-tuc/2024/03/tin-thu/index.html").exists()


def test_a_new_site_without_reports_builds(tmp_path, make_content):
    """An office's first build, before any report: a home page that says so."""
    content = make_content({})
    build(content, tmp_path / "out")
    page = soup(tmp_path / "out/index.html")
    assert page.main.p.get_text() == "Chưa có tin nào."


def test_strict_build_stops_before_writing(tmp_path, make_content, caplog):
    content = make_content(
        {"a.md": ARTICLE.format(ward="Nghi Hòa", topics="Quoc phong lung tung")}
    )
    with pytest.raises(SystemExit) as stopped:
        build(content, tmp_path / "out", PORTAL_STRICT=True)
    assert stopped.value.code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert errors[0].startswith(
        "content/tin-tuc/a.md:4: Topics: không có chủ đề 'Quoc phong lung tung'"
    )
    assert not (tmp_path / "out/tin-tuc").exists()


def test_reports_sharing_a_title_get_distinct_addresses(tmp_path, make_content, caplog):
    same = ARTICLE.format(ward="Nghi Hòa", topics="QP-AN")
    content = make_content({"b.md": same, "a.md": same.replace("Nội dung.", "Khác.")})
    settings = build(content, tmp_path / "out")
    first = soup(tmp_path / "out/tin-tuc/2024/03/tin-thu/index.html")
    second = soup(tmp_path / "out/tin-tuc/2024/03/tin-thu-2/index.html")
    assert first.select_one(".prose p").get_text() == "Khác."  # a.md sorts first
    assert second.select_one(".prose p").get_text() == "Nội dung."
    assert warnings_logged(caplog.records, settings) == [
        "content/tin-tuc/b.md: Slug: trùng đường dẫn 'tin-thu' với "
        "content/tin-tuc/a.md; tạm dùng 'tin-thu-2' — thêm dòng 'Slug: tin-thu-2' "
        "(hoặc một tên khác) vào bài"
    ]


def test_dev_server_shows_an_unfixed_problem_on_every_build(
    tmp_path, make_content, caplog
):
    from conftest import settings_for
    from pelican import Pelican

    content = make_content({"a.md": ARTICLE.format(ward="Nghi Hoa", topics="QP-AN")})
    pelican = Pelican(settings_for(content, tmp_path / "out"))
    pelican.run()
    pelican.run()
    messages = [
        m for m in warnings_logged(caplog.records, pelican.settings) if "Nghi Hoa" in m
    ]
    assert len(messages) == 2
