"""Editor tools: import of real reports, scaffold, check, dev server."""

import json
import shutil
import subprocess
import sys
import unicodedata
from datetime import date

import pytest
from conftest import CONTENT, REGISTRY, ROOT, SEEDS
from editor import check, importer
from portal.registry import load_registry

NGHI_HOA = next(SEEDS.glob("000_*.txt"))
BAC_HONG = next(SEEDS.glob("002_*.txt"))


@pytest.fixture(scope="module")
def registry():
    return load_registry(REGISTRY)


def run_tool(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "editor", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    (folder / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, folder / "data/registry.toml")
    return folder


def test_nghi_hoa_report_field_by_field(registry):
    text = NGHI_HOA.read_text(encoding="utf-8")
    d = importer.parse_report(text, registry)
    assert d.date == date(2024, 1, 10)
    assert d.ward.name == "Nghi Hòa"
    assert d.authors == ["Phan Thành", "Duy Quý"]
    assert d.topics[0].name == "Quốc phòng – An ninh"
    assert d.title == (
        "Phường Nghi Hòa tổ chức Hội nghị tổng kết công tác Quốc phòng – An ninh "
        "năm 2023"
    )
    assert d.summary == (
        "Đảng uỷ, UBND phường Nghi Hòa tổ chức Hội nghị tổng kết công tác Quốc "
        "phòng – An ninh năm 2023."
    )
    assert d.captions == []  # this report has no photos
    body = importer.render(d)
    assert "Status: draft" in body and "Authors: Phan Thành, Duy Quý" in body
    assert "Phan Thành- Duy Quý" not in body  # the byline became Authors
    assert not body.rstrip().endswith("./.") and body.rstrip().endswith("giao thông.")
    for paragraph in text.splitlines()[:5]:  # text kept verbatim
        assert (
            unicodedata.normalize("NFC", paragraph.strip()).removesuffix("./.") in body
        )


def test_bac_hong_report_has_captions_and_no_byline(registry):
    d = importer.parse_report(BAC_HONG.read_text(encoding="utf-8"), registry)
    assert d.date == date(2024, 1, 12) and d.ward.name == "Bắc Hồng"
    assert d.authors == []
    assert any("không thấy dòng tác giả" in g for g in d.guesses)
    assert d.captions == [
        "Toàn cảnh Hội nghị",
        "Đ/c Thượng tá Nguyễn Cảnh Hiền, Chỉ huy phó - Ban chỉ huy Quân sự thị xã đã "
        "phát biểu ý kiến chỉ đạo tại hội nghị",
        "Các tập thể, cá nhân được khen thưởng năm 2023",
    ]
    body = importer.render(d)
    assert "![Toàn cảnh Hội nghị](images/2024/" in body
    assert "\nToàn cảnh Hội nghị\n" in body


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("Sáng 15/3/2024, UBND phường Nghi Hải họp.", date(2024, 3, 15)),
        ("Ngày 05/3/2024, phường Nghi Hải tổ chức lễ.", date(2024, 3, 5)),
        ("Tối ngày 5 tháng 3 năm 2024, phường Nghi Hải tổ chức lễ.", date(2024, 3, 5)),
        ("Chiều 02-12-2023, phường Nghi Hải tổ chức lễ.", date(2023, 12, 2)),
    ],
)
def test_date_forms(registry, lead, expected):
    assert importer.parse_report(lead, registry).date == expected


def test_unknown_ward_is_said_and_ward_hint_wins(registry):
    d = importer.parse_report("Sáng 15/3/2024, UBND phường Hòa Bình họp.", registry)
    assert d.ward is None and any("không nhận ra phường" in p for p in d.problems)
    d = importer.parse_report("Sáng 15/3/2024, UBND họp.", registry, "nghi hoà")
    assert d.ward.name == "Nghi Hòa"


def test_short_real_sentences_are_not_captions(registry):
    d = importer.parse_report(
        "Sáng 15/3/2024, phường Nghi Hải họp.\nHội nghị kết thúc lúc 11 giờ.\n"
        "Toàn cảnh buổi lễ\nĐoạn cuối./.",
        registry,
    )
    assert d.captions == ["Toàn cảnh buổi lễ"]


def test_import_never_overwrites(content):
    first = run_tool("import", str(NGHI_HOA), "--content", str(content))
    second = run_tool("import", str(NGHI_HOA), "--content", str(content))
    assert first.returncode == second.returncode == 0
    files = sorted((content / "tin-tuc/2024").glob("*.md"))
    assert [f.name for f in files] == [
        "phuong-nghi-hoa-to-chuc-hoi-nghi-tong-ket-cong-tac-quoc-phong-an-ninh-nam-2023-2.md",
        "phuong-nghi-hoa-to-chuc-hoi-nghi-tong-ket-cong-tac-quoc-phong-an-ninh-nam-2023.md",
    ]
    assert "không ghi đè" in second.stdout and "Date: 2024-01-10" in first.stdout


def test_import_docx(content, tmp_path):
    import docx

    doc = docx.Document()
    for line in BAC_HONG.read_text(encoding="utf-8").splitlines():
        doc.add_paragraph(line)
    doc.save(tmp_path / "bai.docx")
    result = run_tool("import", str(tmp_path / "bai.docx"), "--content", str(content))
    assert result.returncode == 0, result.stderr
    (made,) = (content / "tin-tuc/2024").glob("*.md")
    assert "Ward: Bắc Hồng" in made.read_text(encoding="utf-8")


def test_new_writes_a_complete_draft(content):
    result = run_tool(
        "new",
        "--title",
        "Phường Nghi Hải ra quân an toàn giao thông",
        "--ward",
        "nghi hai",
        "--content",
        str(content),
    )
    assert result.returncode == 1 and "có phải ý bạn là: Nghi Hải?" in result.stderr
    result = run_tool(
        "new",
        "--title",
        "Phường Nghi Hải ra quân an toàn giao thông",
        "--ward",
        "Nghi Hải",
        "--content",
        str(content),
    )
    assert result.returncode == 0
    (made,) = (content / "tin-tuc").rglob("*.md")
    text = made.read_text(encoding="utf-8")
    for line in (
        "Title: Phường Nghi Hải ra quân an toàn giao thông",
        "Ward: Nghi Hải",
        "Topics: An toàn giao thông",
        "Status: draft",
    ):
        assert line in text
    assert str(made) in result.stdout


# --- check ------------------------------------------------------------------

GOOD = "Title: Tin {n}\nDate: 2024-03-0{n}\nWard: Nghi Hòa\nTopics: QP-AN\nSummary: Tóm tắt.\n\nNội dung.\n"
BROKEN = {
    "thieu-ward.md": (
        GOOD.format(n=1).replace("Ward: Nghi Hòa\n", ""),
        "thieu-ward.md:1: Ward: thiếu hoặc để trống — thêm dòng 'Ward: ...' ở đầu bài",
    ),
    "sai-ward.md": (
        GOOD.format(n=2).replace("Nghi Hòa", "Nghi Hoa"),
        "sai-ward.md:3: Ward: không có phường 'Nghi Hoa' trong danh mục — có phải ý bạn là: Nghi Hòa?",
    ),
    "sai-ngay.md": (
        GOOD.format(n=3).replace("2024-03-03", "2024-02-31"),
        "sai-ngay.md:2: Date: ngày 31/02/2024 không có — kiểm tra lại ngày và tháng",
    ),
    "sai-dang-ngay.md": (
        GOOD.format(n=3).replace("2024-03-03", "hôm qua"),
        "sai-dang-ngay.md:2: Date: ngày 'hôm qua' không đúng dạng — viết YYYY-MM-DD "
        "hoặc DD/MM/YYYY",
    ),
    "thieu-anh.md": (
        GOOD.format(n=4) + "\n![Toàn cảnh](images/2024/khong-co.jpg)\n",
        "thieu-anh.md:9: ảnh: images/2024/khong-co.jpg: không tìm thấy tệp ảnh",
    ),
    "hai-ward.md": (
        GOOD.format(n=9).replace(
            "Ward: Nghi Hòa\n", "Ward: Nghi Hòa\nWard: Bắc Hồng\n"
        ),
        "hai-ward.md:4: Ward: có 2 dòng Ward (dòng 3, 4) — giữ một dòng Ward",
    ),
    "trong.md": ("", "trong.md:1: tệp: tệp trống — viết bài hoặc xóa tệp"),
    "latin1.md": (None, "latin1.md:1: tệp: không phải UTF-8"),
    "trung-1.md": (GOOD.format(n=5), None),
    "trung-2.md": (
        GOOD.format(n=5),
        "trung-2.md:1: Title: trùng đường dẫn 'tin-5' với content/tin-tuc/trung-1.md",
    ),
    "html.md": (
        GOOD.format(n=6) + "\n<script>alert(1)</script>\n",
        "html.md:9: HTML: thẻ <script> sẽ bị loại bỏ khi đăng",
    ),
    "nfd.md": (
        unicodedata.normalize("NFD", GOOD.format(n=7)),
        "nfd.md:3: chữ: chữ tiếng Việt không ở dạng NFC",
    ),
    "awards.md": (
        GOOD.format(n=8).replace("Summary", "Awards: 09 tập thể\nSummary")
        + "\nUBND phường khen thưởng 02 tập thể.\n",
        "awards.md:5: Awards: ghi 9 tập thể, 0 cá nhân nhưng trong bài đếm được 2 tập thể",
    ),
}


@pytest.mark.parametrize("name", [n for n, (_, msg) in BROKEN.items() if msg])
def test_check_finds_each_problem(content, name):
    text, message = BROKEN[name]
    path = content / "tin-tuc" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name == "trung-2.md":
        (content / "tin-tuc/trung-1.md").write_text(BROKEN["trung-1.md"][0], "utf-8")
    if text is None:
        path.write_bytes(b"Title: Tin H\xf2a\nDate: 2024-03-09\n\nN\xf4i dung.\n")
    else:
        path.write_text(text, encoding="utf-8")
    result = run_tool("check", str(content))
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"content/tin-tuc/{message}") for line in lines), lines
    errors = [f for f in check.check_folder(content) if f.level == "error"]
    assert result.returncode == (1 if errors else 0)
    as_json = json.loads(run_tool("check", str(content), "--format", "json").stdout)
    assert {f["path"] for f in as_json} >= {f"content/tin-tuc/{name}"}


def test_warnings_alone_do_not_fail(content):
    (content / "tin-tuc").mkdir()
    (content / "tin-tuc/nfd.md").write_text(BROKEN["nfd.md"][0], encoding="utf-8")
    result = run_tool("check", str(content))
    assert result.returncode == 0 and "CẢNH BÁO (1)" in result.stdout


def test_shipped_content_passes_with_no_finding():
    assert check.check_folder(CONTENT) == []


def test_devserver_survives_a_failed_build(tmp_path, make_content):
    from conftest import settings_for
    from editor.devserver import safe_rebuild
    from pelican import Pelican

    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    content = make_content({"a.md": GOOD.format(n=1)})
    pelican = Pelican(settings_for(content, tmp_path / "out", THEME=str(theme)))
    good = (theme / "templates/article.html").read_text(encoding="utf-8")
    (theme / "templates/article.html").write_text("{% if %}", encoding="utf-8")
    assert safe_rebuild(pelican) is False
    (theme / "templates/article.html").write_text(good, encoding="utf-8")
    pelican = Pelican(settings_for(content, tmp_path / "out", THEME=str(theme)))
    assert safe_rebuild(pelican) is True
    assert (tmp_path / "out/tin-tuc/2024/03/tin-1/index.html").exists()


def test_make_check_reads_the_folders_of_the_sites_settings(tmp_path):
    """With the build's settings, check looks where the build reads: a
    report in a folder the settings name is not "misplaced"."""
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, content / "data" / "registry.toml")
    (content / "bai").mkdir()
    (content / "bai" / "a.md").write_text(
        "Title: Tin\nDate: 2024-03-05\nWard: Nghi Hòa\nTopics: Y tế\n\nNội dung.\n",
        encoding="utf-8",
    )
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa\nARTICLE_PATHS = ['bai']\n",
        encoding="utf-8",
    )

    def errors(*options):
        result = subprocess.run(
            [sys.executable, "-m", "editor", "check", str(content), *options],
            capture_output=True,
            text=True,
            env={"PYTHONPATH": str(ROOT / "plugins")},
        )
        return result.returncode, result.stdout

    code, out = errors()
    assert code == 1 and "bai/a.md:1: tệp: bài viết nằm ngoài thư mục bài" in out
    code, out = errors("--settings", str(conf))
    assert code == 0, out
