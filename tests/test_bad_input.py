"""Bad input never escapes, crashes or vanishes (issue 26).

Each case starts from a tiny content folder with one good report, adds one
bad file, and runs what an editor runs: ``make check``, ``make html`` (a dev
build) and a publish (``make html CONFFILE=publishconf.py``: the strict
build ``make publish`` makes).  Each asserts the exit codes, the Vietnamese
message naming the file, no traceback and no English "Could not process",
and that nothing beside the output folder changed (canary files).
"""

import logging
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import REGISTRY, ROOT
from PIL import Image
from portal import checks, failures
from portal.registry import load_registry

GOOD = (
    "Title: Hội nghị tổng kết\nDate: 2024-03-05\nWard: Nghi Hòa\n"
    "Topics: Quốc phòng – An ninh\n\nNội dung bài.\n"
)


def report(title="Tin mới", date="2024-03-06", extra="", body="Nội dung.\n"):
    return (
        f"Title: {title}\nDate: {date}\nWard: Nghi Hải\nTopics: QP-AN\n{extra}\n" + body
    )


def huge_png(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` (no pixel data needed:
    the size is read from the header, as a decompression bomb's is)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


@dataclass
class Case:
    """One bad input: the files it adds (path -> text or bytes, or a callable
    given the content folder and the folder around it), what each command
    exits with, and what the message says."""

    files: object
    message: str = ""
    file: str = ""  # the file the message names (content-relative)
    check: int = 1
    html: int = 0
    publish: int = 1
    built: list[str] = field(default_factory=list)  # pages the dev build has
    absent: list[str] = field(default_factory=list)  # never in the output


def _outside_image(content: Path, around: Path) -> None:
    """A symlink in images/ to a photo outside the content folder."""
    Image.new("RGB", (64, 48), "red").save(around / "secret.jpg")
    (content / "images/2024").mkdir(parents=True, exist_ok=True)
    os.symlink(around / "secret.jpg", content / "images/2024/lien-ket.jpg")
    (content / "tin-tuc/2024/anh.md").write_text(
        report(body="![Ảnh](images/2024/lien-ket.jpg)\nChú thích\n"), "utf-8"
    )


def _static_link(content: Path, around: Path) -> None:
    """``content/extra/etc -> <outside folder>`` (as ``-> /etc`` would)."""
    (around / "etc").mkdir()
    (around / "etc/shadow").write_text("root:secret\n")
    (content / "extra").mkdir(exist_ok=True)
    os.symlink(around / "etc", content / "extra/etc")


def _report_link(content: Path, around: Path) -> None:
    """A report that is a link to a file outside the content folder."""
    (around / "ngoai.md").write_text(report("Tin bên ngoài"), "utf-8")
    os.symlink(around / "ngoai.md", content / "tin-tuc/2024/ngoai.md")


def _escaping_photo(content: Path, around: Path) -> None:
    """``![x](//<folder beside the output>/x/s.jpg)``: an existing rendition
    name there must stay as it was."""
    (around / "x").mkdir()
    Image.new("RGB", (600, 400), "blue").save(around / "x/s.jpg")
    (content / "tin-tuc/2024/anh.md").write_text(
        report(body=f"![x](/{around}/x/s.jpg)\nChú thích\n"), "utf-8"
    )


def _dotdot_photo(content: Path, around: Path) -> None:
    (around / "x").mkdir(exist_ok=True)
    Image.new("RGB", (600, 400), "blue").save(around / "x/s.jpg")
    (content / "tin-tuc/2024/anh.md").write_text(
        report(body="![x]({static}/../../../x/s.jpg)\nChú thích\n"), "utf-8"
    )


def _registry(text: str):
    def write(content: Path, around: Path) -> None:
        (content / "data/registry.toml").write_text(text, "utf-8")

    return write


WARD_VARIANT = (
    REGISTRY.read_text("utf-8")
    + '\n[[ward]]\nname = "Nghi Hoà"\ntown = "thị xã Cửa Lò"\nprovince = "Nghệ An"\n'
)

CASES = {
    # --- files escape the site
    "anh-ngoai-thu-muc": Case(
        _escaping_photo,
        "đường dẫn ảnh ra ngoài thư mục nội dung",
        "tin-tuc/2024/anh.md",
    ),
    "anh-duong-dan-cha": Case(
        _dotdot_photo, "đường dẫn ảnh ra ngoài thư mục nội dung", "tin-tuc/2024/anh.md"
    ),
    "anh-trang-khac": Case(
        {
            "tin-tuc/2024/anh.md": report(
                body="![Ảnh](https://example.com/a.jpg)\nChú thích\n"
            )
        },
        "ảnh ở trang web khác",
        "tin-tuc/2024/anh.md",
    ),
    "lien-ket-tinh": Case(
        _static_link,
        "liên kết (symlink) trỏ ra ngoài",
        "extra/etc",
        absent=["extra/etc/shadow"],
    ),
    "lien-ket-bai": Case(
        _report_link,
        "liên kết (symlink) trỏ ra ngoài",
        "tin-tuc/2024/ngoai.md",
        absent=["tin-tuc/2024/03/tin-ben-ngoai/index.html"],
    ),
    "lien-ket-anh": Case(
        _outside_image,
        "ảnh là liên kết (symlink) ra ngoài",
        "tin-tuc/2024/anh.md",
        absent=["images/2024/lien-ket-480w.jpg", "images/2024/lien-ket.jpg"],
    ),
    # --- builds crash
    "ban-nhap": Case(
        {"tin-tuc/2024/nhap.md": report("Bản nháp", extra="Status: draft\n")},
        check=0,
        publish=0,
        built=["ban-nhap/ban-nhap/index.html"],
    ),
    "bai-an": Case(
        {"tin-tuc/2024/an.md": report("Bài ẩn", extra="Status: hidden\n")},
        check=0,
        publish=0,
        built=["tin-tuc/2024/03/bai-an/index.html"],
    ),
    "tieu-de-nul": Case(
        {"tin-tuc/2024/nul.md": report("Hội\x00 nghị")},
        "tiêu đề có ký tự điều khiển U+0000",
        "tin-tuc/2024/nul.md",
        built=["tin-tuc/2024/03/hoi-nghi/index.html"],
    ),
    "tieu-de-dai": Case(
        {"tin-tuc/2024/dai.md": report("Hội nghị " * 1200)},
        "tiêu đề dài 10799 ký tự",
        "tin-tuc/2024/dai.md",
    ),
    "danh-muc-mot-ngoac": Case(
        _registry('[ward]\nname = "Nghi Hòa"\ntown = "a"\nprovince = "b"\n'),
        "sửa [ward] thành [[ward]]",
        "data/registry.toml",
    ),
    "danh-muc-sai-toml": Case(
        _registry('[[ward]\nname = "Nghi Hòa"\n'),
        "tệp TOML không hợp lệ",
        "data/registry.toml",
    ),
    # --- reports vanish
    "bai-sai-cho": Case(
        {"tin-moi.md": report()},
        "chuyển tệp vào content/tin-tuc/2024/",
        "tin-moi.md",
    ),
    "tep-txt": Case(
        {"ban-tin.txt": "Phường Nghi Hòa ...\n"}, "make import", "ban-tin.txt"
    ),
    "tep-docx": Case({"ban-tin.docx": b"PK\x03\x04"}, "make import", "ban-tin.docx"),
    "ngay-khong-co": Case(
        {"tin-tuc/2024/ngay.md": report(date="2024-02-30")},
        "ngày 30/02/2024 không có",
        "tin-tuc/2024/ngay.md",
    ),
    "utf-16": Case(
        {"tin-tuc/2024/word.md": report().encode("utf-16")},
        "UTF-16",
        "tin-tuc/2024/word.md",
    ),
    "anh-qua-lon": Case(
        {
            "images/2024/bom.png": huge_png(30000, 30000),
            "tin-tuc/2024/bom.md": report(
                body="![Bom](images/2024/bom.png)\nChú thích\n"
            ),
        },
        "images/2024/bom.png: ảnh quá lớn",
        "tin-tuc/2024/bom.md",
    ),
    "slug-ra-ngoai": Case(
        {"tin-tuc/2024/slug.md": report(extra="Slug: ../../x\n")},
        "'../../x' không dùng được làm đường dẫn",
        "tin-tuc/2024/slug.md",
        built=["tin-tuc/2024/03/x/index.html"],
        absent=["../x"],
    ),
    "danh-muc-trung-ten": Case(
        _registry(WARD_VARIANT), "là cùng một tên", "data/registry.toml"
    ),
    "tieu-de-vo-hinh": Case(
        {"tin-tuc/2024/vo-hinh.md": report("\u200b\u200b\u200d")},
        "tiêu đề chỉ có ký tự không nhìn thấy",
        "tin-tuc/2024/vo-hinh.md",
        built=["tin-tuc/2024/03/khong-tieu-de/index.html"],
    ),
    # --- check and build agree
    "ngay-truoc-thang": Case(
        {"tin-tuc/2024/vn.md": report("Ngày viết kiểu Việt", date="13/03/2024 08:30")},
        check=0,
        publish=0,
        built=["tin-tuc/2024/03/ngay-viet-kieu-viet/index.html"],
    ),
    "ngay-mui-gio": Case(
        {"tin-tuc/2024/tz.md": report("Có múi giờ", date="2024-03-05 14:30+02:00")},
        check=0,
        publish=0,
        built=["tin-tuc/2024/03/co-mui-gio/index.html"],
    ),
    "hai-dong-ward": Case(
        {"tin-tuc/2024/hai.md": report(extra="Ward: Bắc Hồng\n")},
        "có 2 dòng Ward",
        "tin-tuc/2024/hai.md",
    ),
    "bai-qua-lon": Case(
        {"tin-tuc/2024/lon.md": report(body="Đoạn văn dài.\n\n" * 150_000)},
        "tệp quá lớn",
        "tin-tuc/2024/lon.md",
    ),
}


def make(target: str, content: Path, output: Path, *options: str):
    env = {**os.environ, "SITEURL": "https://example.test", "COLUMNS": "400"}
    return subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            target,
            f"INPUTDIR={content}",
            f"OUTPUTDIR={output}",
            f"VENV={sys.prefix}",
            *options,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def snapshot(folder: Path, skip: tuple[Path, ...]) -> dict[str, tuple]:
    """Every file under ``folder`` outside ``skip``, with its bytes' digest."""
    seen = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if Path(root, d) not in skip]
        for name in files:
            path = Path(root, name)
            if not path.is_symlink():
                seen[str(path)] = zlib.crc32(path.read_bytes())
    return seen


@dataclass
class Run:
    case: Case
    content: Path
    output: Path
    check: subprocess.CompletedProcess
    html: subprocess.CompletedProcess
    publish: subprocess.CompletedProcess
    html_files: set[str]
    changed_outside: list[str]


def run_case(name: str, root: Path) -> Run:
    case = CASES[name]
    around = root / "around"
    around.mkdir(parents=True)
    content = around / "content"
    (content / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, content / "data/registry.toml")
    (content / "tin-tuc/2024").mkdir(parents=True)
    (content / "tin-tuc/2024/tot.md").write_text(GOOD, "utf-8")
    if callable(case.files):
        case.files(content, around)
    else:
        for rel, data in case.files.items():
            path = content / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, "utf-8")
    (around / "canary.txt").write_text("không được đổi\n")
    output = around / "output"
    skip = (output, Path(f"{output}.cache"), around / "cache")
    before = snapshot(root, skip)
    check = make("check", content, output)
    html = make("html", content, output)
    html_files = {
        p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()
    }
    publish = make("html", content, output, f"CONFFILE={ROOT}/publishconf.py")
    after = snapshot(root, skip)
    changed = sorted(
        k for k in before.keys() | after.keys() if before.get(k) != after.get(k)
    )
    return Run(case, content, output, check, html, publish, html_files, changed)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Each case run once, on demand, shared by the tests below."""
    done = {}

    def get(name: str) -> Run:
        if name not in done:
            done[name] = run_case(name, tmp_path_factory.mktemp(name))
        return done[name]

    return get


def said(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_said_and_stopped(runs, name):
    run = runs(name)
    case = run.case
    # make exits 2 when the command it runs fails: compare failed or not
    failed = tuple(r.returncode != 0 for r in (run.check, run.html, run.publish))
    assert failed == (bool(case.check), bool(case.html), bool(case.publish)), (
        said(run.check),
        said(run.html)[-3000:],
        said(run.publish)[-3000:],
    )
    for result in (run.check, run.html, run.publish):
        text = said(result)
        assert "Traceback" not in text and "Could not process" not in text, text
        if case.message:
            named = [line for line in text.splitlines() if case.message in line]
            assert named, text[-3000:]
            assert any(f"content/{case.file}" in line for line in named), named
    if not case.message:
        assert "Nội dung không có lỗi nào." in run.check.stdout
    for page in case.built:
        assert page in run.html_files, sorted(run.html_files)
    for page in case.absent:
        assert not (run.output / page).exists()
        assert page not in run.html_files
    assert run.changed_outside == []
    assert (run.output.parent / "canary.txt").read_text() == "không được đổi\n"


def test_escaping_photo_leaves_the_folder_beside_the_output(runs):
    run = runs("anh-ngoai-thu-muc")
    assert sorted(p.name for p in (run.output.parent / "x").iterdir()) == ["s.jpg"]


_FINDING = re.compile(r"(content/[^\s:]+)(?::\d+)?: ([^:]+?): ")


def errors_named(text: str) -> set[tuple[str, str]]:
    """(file, field) of every error line (warnings left out)."""
    found = set()
    for line in text.splitlines():
        if "WARNING" in line or "CẢNH BÁO" in line:
            continue
        m = _FINDING.search(line)
        if m:
            found.add((m[1], m[2]))
    return found


def check_errors(text: str) -> set[tuple[str, str]]:
    errors = text.split("CẢNH BÁO")[0]
    return errors_named(errors)


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.message])
def test_check_and_build_report_the_same_errors(runs, name):
    run = runs(name)
    from_check = check_errors(run.check.stdout)
    from_build = errors_named(said(run.publish))
    assert from_check and from_check == from_build


def test_a_draft_is_listed_nowhere(runs):
    run = runs("ban-nhap")
    listed = [
        p
        for p in run.output.rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".xml", ".json", ".csv", ".txt")
        and "ban-nhap" not in p.relative_to(run.output).parts[:1]
        and any(
            mark in p.read_text("utf-8", errors="replace")
            for mark in ("Bản nháp", "ban-nhap/ban-nhap")  # its title, its address
        )
    ]
    assert listed == []
    assert (run.output / "ban-nhap/ban-nhap/index.html").is_file()


# --- the rules themselves (portal.checks: pure, on a file's bytes) ---------------

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def problems_of(text: str | bytes, kind="article", today=date(2024, 6, 1)):
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    registry = load_registry(REGISTRY)
    found, _ = checks.check_text("content/a.md", raw, kind, registry, today, TZ)
    return [str(p) for p in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (report(date="05/03/2024"), []),
        (report(date="2024-03-05 23:30+07:00"), []),
        (report(date="2024-02-31"), ["content/a.md:2: Date: ngày 31/02/2024 không có"]),
        (report(date="2024/03/05"), ["content/a.md:2: Date: ngày '2024/03/05' không"]),
        (report(extra="Ward: Bắc Hồng\n"), ["content/a.md:5: Ward: có 2 dòng Ward"]),
        (report(extra="Slug: ../../x\n"), ["content/a.md:5: Slug: '../../x' không"]),
        (report(extra="Status: nhap\n"), ["content/a.md:5: Status: giá trị 'nhap'"]),
        (
            report("A\x00B"),
            ["content/a.md:1: Title: tiêu đề có ký tự điều khiển U+0000"],
        ),
        (
            report("\u200b \u2060"),
            ["content/a.md:1: Title: tiêu đề chỉ có ký tự không"],
        ),
        (report("x" * 201), ["content/a.md:1: Title: tiêu đề dài 201 ký tự"]),
        (
            report().encode("utf-16"),
            ["content/a.md:1: tệp: tệp lưu bằng bảng mã UTF-16"],
        ),
        (b"Title: H\xf2a\n", ["content/a.md:1: tệp: không phải UTF-8 (byte 8)"]),
        (b"a" * (checks.MAX_BYTES + 1), ["content/a.md:1: tệp: tệp quá lớn (2.0 MB"]),
        ("Title: Giới thiệu\n\nNội dung.\n", []),  # as a page: see below
    ],
)
def test_content_rules(text, expected):
    kind = "page" if str(text).startswith("Title: Giới") else "article"
    found = problems_of(text, kind)
    assert len(found) == len(expected), found
    for line, start in zip(found, expected, strict=True):
        assert line.startswith(start)


def test_the_future_is_the_sites():
    """A report dated the 6th, checked at 20:00 UTC on the 5th (03:00 on the
    6th in Vietnam), is not in the future; a day later it would be."""
    now_in_vietnam = datetime(2024, 3, 5, 20, 0, tzinfo=UTC).astimezone(TZ).date()
    assert problems_of(report(date="2024-03-06 06:00"), today=now_in_vietnam) == []
    future = problems_of(report(date="2024-03-07"), today=now_in_vietnam)
    assert future == [
        "content/a.md:2: Date: ngày 07/03/2024 ở tương lai — kiểm tra lại năm, "
        "tháng, ngày"
    ]


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("tin-tuc/2024/a.md", None),
        ("pages/gioi-thieu.md", None),
        ("a.md", "chuyển tệp vào content/tin-tuc/2024/"),
        ("images/a.md", "chuyển tệp vào content/tin-tuc/2024/"),
        ("ban-tin.docx", "make import SRC=content/ban-tin.docx"),
        ("tin-tuc/2024/ban-tin.txt", "make import"),
        ("extra/robots.txt", None),
        ("tin-tuc/2024/a.html", "viết lại thành tệp .md"),
        ("extra/a.html", None),
        ("images/2024/a.jpg", None),
    ],
)
def test_files_in_the_wrong_place(rel, expected):
    meta = checks.read_metadata(report(date="05/03/2024"))
    found = checks.place(rel, "content", checks.Layout(), meta)
    assert (found is None) == (expected is None)
    assert found is None or expected in found.fix


def test_a_link_out_of_the_content_folder_is_named(tmp_path):
    content = tmp_path / "content"
    (content / "extra").mkdir(parents=True)
    (tmp_path / "secret").write_text("x")
    os.symlink(tmp_path / "secret", content / "extra/secret")
    os.symlink(content / "extra", content / "extra-again")  # stays inside: fine
    found = checks.check_folder(str(content), None)
    assert [p.path for p in found] == ["content/extra/secret"]
    assert found[0].message.startswith("liên kết (symlink) trỏ ra ngoài")


def test_pelicans_failures_are_kept_and_its_english_line_held_back(caplog):
    """What Pelican logs for a file it cannot read reaches the portal (which
    words it in Vietnamese and fails a strict build), not the editor."""
    kept = failures.install()
    try:
        try:
            raise ValueError("lý do")
        except ValueError:
            logging.getLogger("pelican.generators").exception(
                "Could not process %s", "tin-tuc/a.md", exc_info=False
            )
        logging.getLogger("pelican.generators").error("Một lỗi khác")
    finally:
        failures.uninstall()
    assert kept.files == [("tin-tuc/a.md", "lý do")]
    assert [r.getMessage() for r in caplog.records] == ["Một lỗi khác"]
    assert failures.installed() is None
    problem = checks.unreadable("content/tin-tuc/a.md", "lý do")
    assert str(problem).startswith(
        "content/tin-tuc/a.md: tệp: không đọc được content/tin-tuc/a.md: lý do — "
    )


def test_a_file_that_cannot_be_read_is_a_problem_not_a_traceback(tmp_path):
    content = tmp_path / "content"
    (content / "tin-tuc").mkdir(parents=True)
    os.symlink(content / "tin-tuc/da-xoa.md", content / "tin-tuc/a.md")  # dangling
    (found,) = checks.check_folder(str(content), None)
    assert found.path == "content/tin-tuc/a.md" and found.error
    assert found.message.startswith("không đọc được content/tin-tuc/a.md: ")
    assert "--debug" in found.fix
    with pytest.raises(FileNotFoundError):  # --debug: the details
        checks.check_folder(str(content), None, debug=True)


@pytest.mark.parametrize(
    ("size", "error"),
    [
        ((400, 300), ""),
        ((10000, 9000), "ảnh quá lớn"),
        ((30000, 30000), "ảnh quá lớn"),
    ],
)
def test_the_pixel_limit_reads_only_the_header(tmp_path, recwarn, size, error):
    from photos.images import plan

    (tmp_path / "images").mkdir()
    if error:  # only a header: its size is all that may be read
        (tmp_path / "images/a.png").write_bytes(huge_png(*size))
    else:
        Image.new("RGB", size).save(tmp_path / "images/a.png")
    photo = plan("images/a.png", str(tmp_path), {})
    assert photo.error.startswith(error) and bool(photo.error) == bool(error)
    assert [str(w.message) for w in recwarn] == []
