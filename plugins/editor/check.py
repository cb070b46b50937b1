"""``make check``: every problem of the content folder, without building.

One finding per line, ``path:line: field: problem — fix``, in plain
Vietnamese, errors before warnings.  The rules are the build's own:
:mod:`portal.checks` (which every build applies too), the registry, the
photos plugin's rule for what a photo may be (:func:`photos.images.plan`)
and the award parser; only the HTML warnings and the slug clashes, which the
build mends by itself (sanitizer, renumbering), are said here in advance.
"""

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from awards.parser import parse_awards, parse_metadata
from office.checks import check_office_content
from photos.images import plan, source_path
from portal import checks, rules_of
from portal.history import file_issues
from portal.problems import Problem
from portal.registry import RegistryError, load_registry
from safe_markdown.sanitize import ALLOWED_TAGS
from vietnamese.dates import DateError, parse_date
from vietnamese.text import slugify

# Without --settings: pelicanconf.py's TIMEZONE ("in the future" is the
# site's future).
SITE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_TAG = re.compile(r"<\s*(?P<tag>[a-zA-Z][a-zA-Z0-9]*)(?P<attrs>[^>]*)>")


@dataclass
class Finding:
    path: str
    line: int
    field: str
    message: str
    fix: str
    level: str = "error"  # or "warning"

    def __str__(self):
        text = f"{self.path}:{self.line}: {self.field}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text

    @classmethod
    def of(cls, problem: Problem) -> "Finding":
        return cls(
            problem.path,
            problem.line or 1,
            problem.field,
            problem.message,
            problem.fix,
            "error" if problem.error else "warning",
        )


def extras(rel: str, meta: checks.Metadata, content_dir: Path) -> list[Finding]:
    """Photos, pasted HTML and the Awards line of one report."""
    out = []

    def add(line, field, message, fix, level="error"):
        out.append(Finding(rel, line, field, message, fix, level))

    body = dict(meta.body)
    photos = {}
    for n, line in meta.body:
        for m in _IMAGE.finditer(line):
            source = source_path(m["src"])
            photo = plan(source, str(content_dir), photos)
            if photo.error:
                add(
                    n,
                    "ảnh",
                    f"{source}: {photo.error}",
                    "kiểm tra tên tệp và thư mục images/, hoặc chép lại ảnh",
                )
            if not m["alt"].strip() and not body.get(n + 1, "").strip():
                add(
                    n,
                    "ảnh",
                    f"{source}: ảnh không có chú thích",
                    "viết chú thích trong ![...] hoặc trên dòng ngay dưới ảnh",
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
    value, line = meta.first("Awards")
    if "Awards" in meta.fields:
        stated = parse_metadata(value)
        if stated is None:
            add(
                line,
                "Awards",
                f"không đọc được '{value}'",
                "viết theo mẫu 'Awards: 01 tập thể, 04 cá nhân'",
            )
        else:
            found = parse_awards("\n".join(t for _, t in meta.body))
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
    return out


def check_folder(
    content_dir, today: date | None = None, debug: bool = False, settings=None
) -> list[Finding]:
    """Every finding of ``content_dir``, errors first.  ``settings`` (Pelican's,
    read from ``pelicanconf.py``) give the folders, time zone and registry
    the build uses; without them, the project's defaults."""
    content_dir = Path(content_dir).resolve()
    label = content_dir.name
    if settings is not None:
        layout, tz, registry_file = rules_of(settings)
    else:
        layout, tz = checks.Layout(), SITE_TZ
        registry_file = content_dir / "data" / "registry.toml"
    registry_label = f"{label}/{registry_file.relative_to(content_dir).as_posix()}"
    findings = []
    try:
        registry = load_registry(registry_file)
    except RegistryError as e:
        registry = None
        findings.append(Finding.of(Problem(registry_label, "danh mục", e.for_editor())))
    findings += [
        Finding.of(Problem(registry_label, key, message, fix, True, line))
        for line, key, message, fix in file_issues(registry_file)
    ]
    today = today or checks.site_today(tz)
    problems = checks.check_folder(
        str(content_dir), registry, today, tz, layout, debug=debug
    )
    findings += [Finding.of(p) for p in problems]
    broken = {p.path for p in problems if p.field == "tệp"}
    slugs = {}
    for folder in layout.articles + layout.pages:
        for path in sorted((content_dir / folder).rglob("*.md")):
            rel = f"{label}/{path.relative_to(content_dir).as_posix()}"
            if rel in broken or path.is_symlink():
                continue
            try:
                meta = checks.read_metadata(checks.decode(path.read_bytes()))
                findings += extras(rel, meta, content_dir)
            except Exception as e:  # any failure is the file's, never a traceback
                if debug:
                    raise
                findings.append(Finding.of(checks.unreadable(rel, str(e))))
                continue
            title, line = meta.first("Title")
            if title and folder in layout.articles:
                slug = meta.first("Slug")[0] or slugify(title)
                try:
                    month = parse_date(meta.first("Date")[0]).strftime("%Y/%m")
                except DateError:
                    month = ""
                slugs.setdefault((month, slug), []).append((rel, line))
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
