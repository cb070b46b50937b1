"""make import on reports as reporters send them: a title line first (often in
capitals, bold in .docx), the date in the first sentence, captions with a
photo credit, the byline last."""

import shutil
import subprocess
import sys
from datetime import date

import pytest
from conftest import REGISTRY, ROOT, build
from editor import importer
from photos.transform import split_credit as photos_split_credit
from PIL import Image
from portal.registry import load_registry

TITLE = "Phường Nghi Thu tổ chức Hội nghị tổng kết công tác Mặt trận năm 2023"
CAPS_TITLE = "PHƯỜNG NGHI THU TỔ CHỨC HỘI NGHỊ TỔNG KẾT CÔNG TÁC MẶT TRẬN NĂM 2023"
LEAD = (
    "Sáng ngày 05/03/2024, Ban Thường trực Ủy ban MTTQ phường Nghi Thu tổ chức "
    "Hội nghị tổng kết công tác Mặt trận năm 2023, triển khai nhiệm vụ năm 2024. "
    "Dự hội nghị có đồng chí Nguyễn Văn An, Chủ tịch UBND phường."
)
SUMMARY = (
    "Ban Thường trực Ủy ban MTTQ phường Nghi Thu tổ chức Hội nghị tổng kết công "
    "tác Mặt trận năm 2023, triển khai nhiệm vụ năm 2024."
)
REST = [
    "Toàn cảnh Hội nghị (Ảnh: Nguyễn Thị Lan)",
    "Hội nghị đã thông qua báo cáo tổng kết và khen thưởng 02 tập thể, 03 cá nhân./.",
    "Nguyễn Thị Lan",
]
SLUG = "phuong-nghi-thu-to-chuc-hoi-nghi-tong-ket-cong-tac-mat-tran-nam-2023"


@pytest.fixture(scope="module")
def registry():
    return load_registry(REGISTRY)


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    (folder / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, folder / "data/registry.toml")
    return folder


def run_import(src, content):
    return subprocess.run(
        [sys.executable, "-m", "editor", "import", str(src), "--content", str(content)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
    )


def write_docx(path, title, paragraphs, bold=True):
    import docx  # python-docx

    document = docx.Document()
    document.add_paragraph().add_run(title).bold = bold
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)


def metadata(text: str) -> dict[str, str]:
    head = text.split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)


def body_of(text: str) -> str:
    return text.split("\n\n", 1)[1]


@pytest.mark.parametrize(
    ("name", "title_line"),
    [("tieu-de.txt", TITLE), ("in-hoa.txt", CAPS_TITLE), ("in-hoa.docx", CAPS_TITLE)],
)
def test_a_report_with_a_title_line(content, tmp_path, name, title_line):
    src = tmp_path / name
    if name.endswith(".docx"):
        write_docx(src, title_line, [LEAD, *REST])
    else:  # as typed: a blank line under the title
        src.write_text(f"{title_line}\n\n" + "\n".join([LEAD, *REST]), "utf-8")
    result = run_import(src, content)
    assert result.returncode == 0, result.stderr
    # the date of the first sentence gives the year folder, not this year
    (made,) = (content / "tin-tuc").rglob("*.md")
    assert made == content / "tin-tuc" / "2024" / f"{SLUG}.md"
    text = made.read_text(encoding="utf-8")
    meta = metadata(text)
    assert meta["Title"] == TITLE  # ALL CAPS in sentence case, names kept
    assert meta["Date"] == "2024-03-05"
    assert meta["Ward"] == "Nghi Thu"
    assert meta["Summary"] == SUMMARY  # the lead, not the title
    assert meta["Authors"] == "Nguyễn Thị Lan"
    body = body_of(text)
    assert body.startswith(LEAD)  # the title is not repeated
    assert title_line not in body and TITLE not in body
    assert "Date: 2024-03-05 (từ “Sáng ngày 05/03/2024”)" in result.stdout


def test_a_bold_title_is_a_title_even_with_a_full_stop(content, tmp_path):
    write_docx(tmp_path / "bai.docx", TITLE + ".", [LEAD, *REST])
    assert run_import(tmp_path / "bai.docx", content).returncode == 0
    text = (content / f"tin-tuc/2024/{SLUG}.md").read_text(encoding="utf-8")
    assert metadata(text)["Title"] == TITLE and body_of(text).startswith(LEAD)


def test_a_bold_dated_lead_is_not_a_title(registry, content, tmp_path):
    """Offices often set the lead in bold: it has the date, so it is prose."""
    write_docx(tmp_path / "bai.docx", LEAD, REST)
    assert run_import(tmp_path / "bai.docx", content).returncode == 0
    (made,) = (content / "tin-tuc/2024").glob("*.md")
    text = made.read_text(encoding="utf-8")
    assert metadata(text)["Summary"] == SUMMARY and body_of(text).startswith(LEAD)


def test_the_date_comes_from_the_first_sentence_that_has_one(registry):
    d = importer.parse_report(
        f"{TITLE}\nThực hiện kế hoạch năm 2024, phường Nghi Thu tổ chức hội nghị. "
        "Sáng ngày 05/03/2024, hội nghị khai mạc. Ngày 10/03/2024 tổng kết.\n"
        "Đoạn thứ hai./.",
        registry,
    )
    assert d.date == date(2024, 3, 5)
    assert d.title == TITLE
    assert d.summary == "Thực hiện kế hoạch năm 2024, phường Nghi Thu tổ chức hội nghị."


def test_seed_reports_have_no_title_line(registry):
    """The seeds start with the dated lead: nothing is taken as a title."""
    for seed in (ROOT / "tests/data/seeds").glob("*.txt"):
        text = seed.read_text(encoding="utf-8")
        d = importer.parse_report(text, registry)
        first = text.splitlines()[0].strip()
        assert d.paragraphs[0] == first and d.date is not None


@pytest.mark.parametrize(
    ("caps", "context", "expected"),
    [
        (CAPS_TITLE, LEAD, TITLE),
        # registry names, acronyms, always-capitalised names, no context
        (
            "UBND PHƯỜNG BẮC HỒNG RA QUÂN VỆ SINH MÔI TRƯỜNG ĐÓN TẾT NGUYÊN ĐÁN",
            "",
            "UBND phường Bắc Hồng ra quân vệ sinh môi trường đón Tết Nguyên đán",
        ),
        (
            "HĐND PHƯỜNG THU THỦY TỔ CHỨC KỲ HỌP THỨ XII, KHÓA VI",
            "",
            "HĐND phường Thu Thủy tổ chức kỳ họp thứ XII, khóa VI",
        ),
        (
            "ĐẠI HỘI ĐOÀN TNCS HỒ CHÍ MINH PHƯỜNG NGHI HOÀ NHIỆM KỲ 2022-2027",
            "Hôm nay, các đoàn viên dự Đại hội Đoàn phường.",
            "Đại hội Đoàn TNCS Hồ Chí Minh phường Nghi Hoà nhiệm kỳ 2022-2027",
        ),
        (
            "THỊ XÃ CỬA LÒ, NGHỆ AN: XI MĂNG VÀ COVID-19",
            "",
            "Thị xã Cửa Lò, Nghệ An: xi măng và COVID-19",
        ),
        # a capital at the start of a sentence in the text is not copied
        (
            "PHƯỜNG NGHI THU TRAO QUÀ CHO HỘ NGHÈO",
            "Trao quà cho hộ nghèo là việc làm tốt.",
            "Phường Nghi Thu trao quà cho hộ nghèo",
        ),
    ],
)
def test_sentence_case(registry, caps, context, expected):
    names = importer.registry_names(registry)
    assert importer.sentence_case(caps, context, names) == expected


@pytest.mark.parametrize(
    "lines",
    [
        ["Toàn cảnh Hội nghị (Ảnh: Nguyễn Thị Lan)"],
        ["Toàn cảnh Hội nghị", "(Ảnh: Nguyễn Thị Lan)"],
        ["Toàn cảnh Hội nghị - ảnh: Nguyễn Thị Lan"],
    ],
)
def test_a_caption_credit_is_kept(registry, lines):
    d = importer.parse_report("\n".join([LEAD, *lines, "Đoạn cuối./."]), registry)
    written = "Toàn cảnh Hội nghị (Ảnh: Nguyễn Thị Lan)"
    assert d.captions == [written]
    body = importer.render(d)
    assert f"![Toàn cảnh Hội nghị](images/2024/{d.slug[:40]}-1.jpg)\n{written}\n" in (
        body
    )
    # the form the photos plugin splits into caption and credit
    assert photos_split_credit(written) == ("Toàn cảnh Hội nghị", "Ảnh: Nguyễn Thị Lan")


def test_an_imported_photo_credit_reaches_the_page(registry, tmp_path):
    """The draft, published as it is with its photo in place, shows the
    caption and the credit in the figure."""
    d = importer.parse_report("\n".join([TITLE, LEAD, *REST]), registry)
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, content / "data/registry.toml")
    (content / "tin-tuc/2024").mkdir(parents=True)
    (content / f"tin-tuc/2024/{d.slug}.md").write_text(
        importer.render(d, status="published"), encoding="utf-8"
    )
    (content / "images/2024").mkdir(parents=True)
    Image.new("RGB", (640, 480), "teal").save(
        content / f"images/2024/{d.slug[:40]}-1.jpg"
    )
    build(content, tmp_path / "out")
    from bs4 import BeautifulSoup

    page = tmp_path / f"out/tin-tuc/2024/03/{d.slug}/index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    caption = soup.select_one("figure.photo figcaption")
    assert caption.find(string=True, recursive=False).strip() == "Toàn cảnh Hội nghị"
    assert caption.select_one(".credit").get_text() == "Ảnh: Nguyễn Thị Lan"
    assert soup.select_one("figure.photo img")["alt"] == "Toàn cảnh Hội nghị"
    assert soup.select_one("h1").get_text(strip=True) == TITLE


def test_a_byline_with_its_label(registry):
    d = importer.parse_report(f"{LEAD}\nĐoạn hai./.\nBài và ảnh: Phan Thành", registry)
    assert d.authors == ["Phan Thành"]
    assert "Bài và ảnh" not in importer.render(d)


def test_a_heading_style_title_in_docx(content, tmp_path):
    import docx  # python-docx

    document = docx.Document()
    document.add_heading(TITLE + ".", level=1)
    for text in [LEAD, *REST]:
        document.add_paragraph(text)
    document.save(tmp_path / "bai.docx")
    assert run_import(tmp_path / "bai.docx", content).returncode == 0
    text = (content / f"tin-tuc/2024/{SLUG}.md").read_text(encoding="utf-8")
    assert metadata(text)["Title"] == TITLE and body_of(text).startswith(LEAD)
