"""``make check``: every problem of the content folder, without building.

One finding per line, ``path:line: field: problem — fix``, in plain
Vietnamese, errors before warnings; field names as editors write them.
The checks reuse the build's own rules (registry, sanitizer, photo paths,
award parser), so ``make check`` and the build never disagree.
"""

import json
import os
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime

from awards.parser import parse_awards, parse_metadata
from office.checks import check_office_content
from photos.images import source_path
from portal.metadata import resolve
from portal.registry import RegistryError, load_registry
from safe_markdown.sanitize import ALLOWED_TAGS
from vietnamese.text import slugify

REQUIRED = ("Title", "Date", "Ward", "Topics")
STATUSES = ("published", "draft", "hidden")
_META = re.compile(r"^(?P<key>[A-Za-z][A-Za-z_-]*)\s*:\s*(?P<value>.*)$")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_TAG = re.compile(r"<\s*(?P<tag>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>[^>]*)>")
_DATE_FORMS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


@dataclass
class Finding:
    path: str
    line: int
    field: str
    message: str
    fix: str
    level: str = "error"  # or "warning"

    def __str__(self):
        return f"{self.path}:{self.line}: {self.field}: {self.message} — {self.fix}"


def read_article(raw: bytes):
    """(metadata {Key: (value, line)}, body lines with numbers) of a file."""
    text = raw.decode("utf-8").lstrip("\ufeff")
    lines = text.splitlines()
    meta, i = {}, 0
    while i < len(lines) and lines[i].strip():
        m = _META.match(lines[i])
        if not m:
            break
        meta[m["key"].strip().title()] = (m["value"].strip(), i + 1)
        i += 1
    return text, meta, [(n + 1, lines[n]) for n in range(i, len(lines))]


def parse_date(value: str):
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(value, form)
        except ValueError:
            continue
    return None


def check_file(path, rel, content_dir, registry, today, is_page=False):
    out = []

    def add(line, field, message, fix, level="error"):
        out.append(Finding(rel, line, field, message, fix, level))

    raw = path.read_bytes()
    if not raw.strip():
        add(1, "tệp", "tệp trống", "viết bài hoặc xóa tệp")
        return out, None
    try:
        text, meta, body = read_article(raw)
    except UnicodeDecodeError as e:
        add(
            1,
            "tệp",
            f"không phải UTF-8 (byte {e.start})",
            "mở bằng trình soạn thảo và lưu lại với bảng mã UTF-8",
        )
        return out, None
    if unicodedata.normalize("NFC", text) != text:
        n = next(
            i + 1
            for i, line in enumerate(text.splitlines())
            if unicodedata.normalize("NFC", line) != line
        )
        add(
            n,
            "chữ",
            "chữ tiếng Việt không ở dạng NFC (dấu tách rời)",
            "lưu lại tệp bằng trình soạn thảo (hoặc gõ lại dòng này)",
            "warning",
        )
    required = ("Title",) if is_page else REQUIRED
    for key in required:
        if not meta.get(key, ("", 0))[0]:
            add(
                meta.get(key, ("", 1))[1],
                key,
                "thiếu hoặc để trống",
                f"thêm dòng '{key}: ...' ở đầu bài",
            )
    status = meta.get("Status", ("published", 0))
    if status[0] and status[0].lower() not in STATUSES:
        add(
            status[1],
            "Status",
            f"giá trị '{status[0]}' không hợp lệ",
            "dùng 'draft' (bản nháp) hoặc bỏ dòng này để đăng",
        )
    when = None
    if meta.get("Date", ("", 0))[0]:
        value, line = meta["Date"]
        when = parse_date(value)
        if when is None:
            add(
                line,
                "Date",
                f"ngày '{value}' không đúng dạng",
                "viết YYYY-MM-DD, ví dụ 'Date: 2024-01-10'",
            )
        elif when.date() > today:
            add(
                line,
                "Date",
                f"ngày {value} ở tương lai",
                "kiểm tra lại năm, tháng, ngày",
                "warning",
            )
        elif when.year < 1990:
            add(line, "Date", f"ngày {value} quá cũ", "kiểm tra lại năm")
    if (
        not is_page
        and registry is not None
        and (meta.get("Ward") or meta.get("Topics"))
    ):
        md = {k.lower(): v for k, (v, _) in meta.items()}
        _, _, problems = resolve(rel, md, registry)
        for p in problems:
            if p.field == "Ward" and "Ward" not in meta:
                continue
            add(meta.get(p.field, ("", 1))[1], p.field, p.message, p.fix)
    # images
    for n, line in body:
        for m in _IMAGE.finditer(line):
            src = m["src"]
            if src.startswith(("http:", "https:")):
                continue
            if not os.path.isfile(os.path.join(content_dir, source_path(src))):
                add(
                    n,
                    "ảnh",
                    f"không tìm thấy tệp {source_path(src)}",
                    "chép ảnh vào thư mục images/ đúng tên này",
                )
            following = dict(body).get(n + 1, "").strip()
            if not m["alt"].strip() and not following:
                add(
                    n,
                    "ảnh",
                    "ảnh không có chú thích",
                    "viết chú thích trong ![...] hoặc dòng ngay dưới ảnh",
                    "warning",
                )
        for m in _TAG.finditer(line):
            tag, attrs = m["tag"].lower(), m["attrs"].lower()
            if tag not in ALLOWED_TAGS or re.search(r"\bon\w+\s*=|javascript:", attrs):
                add(
                    n,
                    "HTML",
                    f"thẻ <{tag}> sẽ bị loại bỏ khi đăng",
                    "bỏ mã HTML này; chỉ dùng cách viết Markdown",
                    "warning",
                )
    # awards line vs text
    if "Awards" in meta:
        value, line = meta["Awards"]
        stated = parse_metadata(value)
        if stated is None:
            add(
                line,
                "Awards",
                f"không đọc được '{value}'",
                "viết theo mẫu 'Awards: 01 tập thể, 04 cá nhân'",
            )
        else:
            found = parse_awards("\n".join(t for _, t in body))
            if stated != (found.collectives, found.individuals):
                add(
                    line,
                    "Awards",
                    f"ghi {stated[0]} tập thể, {stated[1]} cá nhân "
                    f"nhưng trong bài đếm được {found.collectives} tập thể, "
                    f"{found.individuals} cá nhân",
                    "kiểm tra lại; trang web dùng số trên dòng Awards",
                    "warning",
                )
    key = None
    if meta.get("Title") and not is_page:
        slug = meta.get("Slug", (slugify(meta["Title"][0]), 0))[0]
        month = when.strftime("%Y/%m") if when else ""
        key = (month, slug, meta.get("Title")[1])
    return out, key


def check_folder(content_dir, today: date | None = None) -> list[Finding]:
    from pathlib import Path

    content_dir = Path(content_dir)
    label = content_dir.name
    today = today or date.today()
    findings = []
    try:
        registry = load_registry(content_dir / "data" / "registry.toml")
    except RegistryError as e:
        registry = None
        findings.append(
            Finding(
                f"{label}/data/registry.toml",
                1,
                "registry",
                str(e),
                "sửa tệp danh mục theo thông báo",
            )
        )
    slugs = {}
    for folder, is_page in (("tin-tuc", False), ("pages", True)):
        for path in sorted((content_dir / folder).rglob("*.md")):
            rel = f"{label}/{path.relative_to(content_dir).as_posix()}"
            found, key = check_file(
                path, rel, str(content_dir), registry, today, is_page
            )
            findings += found
            if key:
                slugs.setdefault(key[:2], []).append((rel, key[2]))
    for (month, slug), files in slugs.items():
        for rel, line in files[1:]:
            findings.append(
                Finding(
                    rel,
                    line,
                    "Title",
                    f"trùng đường dẫn '{slug}' với {files[0][0]} (cùng tháng {month})",
                    f"đổi tiêu đề hoặc thêm dòng 'Slug: {slug}-2'",
                )
            )
    findings += [Finding(**vars(f)) for f in check_office_content(content_dir)]
    findings.sort(key=lambda f: (f.level != "error", f.path, f.line))
    return findings


def report(findings: list[Finding], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([asdict(f) for f in findings], ensure_ascii=False, indent=1)
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level != "error"]
    lines = []
    if errors:
        lines += [f"LỖI ({len(errors)}) — phải sửa trước khi đăng:"]
        lines += [str(f) for f in errors]
    if warnings:
        lines += [f"CẢNH BÁO ({len(warnings)}) — nên xem lại:"]
        lines += [str(f) for f in warnings]
    if not findings:
        lines.append("Nội dung không có lỗi nào.")
    return "\n".join(lines)
