"""The content rules: one set, applied by ``make check`` and by every build.

Pure functions on a file's bytes and a folder's names, returning
:class:`~portal.problems.Problem` s (``file:line: field: problem — fix``).
``make check`` (plugins/editor/check.py) prints them; the portal plugin
reports the same ones during a build (a dev build warns, a strict build
stops).  A rule that finds an error here is a file the build would drop,
skip or publish wrongly, so neither can pass while a report goes missing.
"""

import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from vietnamese.dates import DateError, local_day, parse_date
from vietnamese.text import slugify

from .metadata import dated, resolve
from .problems import Problem
from .registry import Registry

# A content file over this many bytes is refused unread, by the build (the
# safe_markdown reader) and by make check: a report is text, never this long.
MAX_BYTES = 2_000_000
MAX_TITLE = 200
STATUSES = ("published", "draft", "hidden")
REQUIRED = {"article": ("Title", "Date", "Ward", "Topics"), "page": ("Title",)}
# Fields that hold one value: a second line would be silently dropped or,
# for Ward, shown as a list on the page.
SINGLE = ("Title", "Date", "Ward", "Slug", "Status", "Summary", "Awards", "Cover")
CONTENT_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd")
IMPORT_EXTENSIONS = (".txt", ".docx", ".doc", ".odt", ".rtf")
# What Pelican's other readers would read as a report, unsanitized.
OTHER_READERS = (".html", ".htm", ".rst")
_META = re.compile(r"^(?P<key>[A-Za-z][A-Za-z_-]*)\s*:\s*(?P<value>.*)$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Characters that take no space: a title made of them is invisible.
_INVISIBLE = re.compile(
    r"[\s\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)


@dataclass
class Metadata:
    """A file's header as written: ``{Key: [(value, line), ...]}``, and the
    text with the line the body starts on (``body`` splits it on demand)."""

    fields: dict[str, list[tuple[str, int]]]
    text: str = ""
    body_start: int = 0

    def first(self, key: str) -> tuple[str, int]:
        return self.fields.get(key, [("", 1)])[0]

    @property
    def body(self) -> list[tuple[int, str]]:
        """(line number, line) of every line after the header."""
        lines = self.text.splitlines()[self.body_start :]
        return [(self.body_start + n + 1, line) for n, line in enumerate(lines)]


def read_metadata(text: str) -> Metadata:
    """The ``Key: value`` lines at the top of a Markdown file, as Pelican reads them."""
    fields, i = {}, 0
    for line in text.split("\n", 64):  # a header is short: the rest is not split
        m = _META.match(line.rstrip("\r"))
        if not line.strip() or not m or i == 64:
            break
        key = m["key"].strip().title()
        fields.setdefault(key, []).append((m["value"].strip(), i + 1))
        i += 1
    return Metadata(fields, text, i)


def visible(text: str) -> str:
    """``text`` without the characters that take no space."""
    return _INVISIBLE.sub("", text)


class TooLarge(ValueError):
    """A content file over :data:`MAX_BYTES`."""


TOO_LARGE_FIX = "bỏ phần dán thừa (ảnh dán vào, bảng dài) hoặc chia thành nhiều bài"


def too_large(size: int, max_bytes: int = MAX_BYTES) -> str:
    """The message for a file of ``size`` bytes, over ``max_bytes``."""
    return f"tệp quá lớn ({size / 1e6:.1f} MB, tối đa {max_bytes / 1e6:g} MB)"


def valid_slug(slug: str) -> bool:
    """ASCII words joined by hyphens: an address that stays where it belongs."""
    return bool(_SLUG.fullmatch(slug))


def control_characters(text: str) -> list[str]:
    """The control characters (NUL, ...) in a one-line value, as U+XXXX."""
    if not _CONTROL.search(text):
        return []
    return [f"U+{ord(c):04X}" for c in text if unicodedata.category(c) == "Cc"]


def decode(raw: bytes) -> str:
    """The text of a content file, which must be UTF-8; raises ``ValueError``
    worded for editors when it is not."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError("tệp lưu bằng bảng mã UTF-16 (thường do Word)")
    try:
        return raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as e:
        raise ValueError(f"không phải UTF-8 (byte {e.start})") from None


def check_text(
    path: str,
    raw: bytes,
    kind: str = "article",
    registry: Registry | None = None,
    today: date | None = None,
    timezone: tzinfo | None = None,
    max_bytes: int = MAX_BYTES,
) -> tuple[list[Problem], Metadata | None]:
    """Every problem of one report (``kind="article"``) or page, and its header.

    ``path`` names the file in messages; ``today`` is the site's date (a
    date after it is "in the future"), ``timezone`` the site's zone, which
    dates with a UTC offset are turned into before that comparison.
    """
    out = []

    def add(line, field, message, fix, error=True):
        out.append(Problem(path, field, message, fix, error, line))

    if len(raw) > max_bytes:
        add(1, "tệp", too_large(len(raw), max_bytes), TOO_LARGE_FIX)
        return out, None
    if not raw.strip():
        add(1, "tệp", "tệp trống", "viết bài hoặc xóa tệp")
        return out, None
    try:
        text = decode(raw)
    except ValueError as e:
        add(1, "tệp", str(e), "mở tệp và lưu lại với bảng mã UTF-8")
        return out, None
    if not unicodedata.is_normalized("NFC", text):
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
            False,
        )
    meta = read_metadata(text)
    for key in SINGLE:
        if len(meta.fields.get(key, ())) > 1:
            lines = ", ".join(str(n) for _, n in meta.fields[key])
            add(
                meta.fields[key][1][1],
                key,
                f"có {len(meta.fields[key])} dòng {key} (dòng {lines})",
                f"giữ một dòng {key}"
                + ("; mỗi bài thuộc một phường" if key == "Ward" else ""),
            )
    for key in REQUIRED[kind]:
        if key == "Topics" and registry is not None and not registry.topics:
            continue  # an office whose registry has no topics writes none
        value, line = meta.first(key)
        if not value:
            add(line, key, "thiếu hoặc để trống", f"thêm dòng '{key}: ...' ở đầu bài")
    out += _title(path, *meta.first("Title"))
    status, line = meta.first("Status")
    if status and status.lower() not in STATUSES:
        add(
            line,
            "Status",
            f"giá trị '{status}' không hợp lệ",
            "dùng 'draft' (bản nháp), 'hidden' (ẩn) hoặc bỏ dòng này để đăng",
        )
    out += _date(path, *meta.first("Date"), today, timezone)
    slug, line = meta.first("Slug")
    if slug and not valid_slug(slug):
        add(
            line,
            "Slug",
            f"'{slug}' không dùng được làm đường dẫn",
            "chỉ dùng chữ thường không dấu, số và dấu gạch ngang, ví dụ "
            f"'Slug: {slugify(slug)[:80].strip('-') or 'ten-bai'}'",
        )
    if kind == "article" and registry is not None:
        values = {k.lower(): v[0][0] for k, v in meta.fields.items()}
        ward, _, problems = resolve(path, values, registry)
        if ward is not None:  # the ward must exist on the report's date
            try:
                day = parse_date(meta.first("Date")[0]).date()
            except DateError:
                day = None  # said by the date rule
            if day is not None:
                problems += dated(path, ward, day, registry)[2]
        for p in problems:
            if p.field in meta.fields:  # a missing field is said above
                add(meta.first(p.field)[1], p.field, p.message, p.fix, p.error)
    return out, meta


def _title(path: str, title: str, line: int) -> list[Problem]:
    if not title:
        return []
    controls = control_characters(title)
    if controls:
        message = f"tiêu đề có ký tự điều khiển {', '.join(dict.fromkeys(controls))}"
        fix = "gõ lại tiêu đề (ký tự này không in ra được)"
    elif not visible(title):
        message = "tiêu đề chỉ có ký tự không nhìn thấy"
        fix = "gõ lại tiêu đề bằng chữ"
    elif len(title) > MAX_TITLE:
        message = f"tiêu đề dài {len(title)} ký tự (tối đa {MAX_TITLE})"
        fix = "viết tiêu đề ngắn gọn; đưa phần còn lại vào Summary hoặc thân bài"
    else:
        return []
    return [Problem(path, "Title", message, fix, True, line)]


def _date(path, value, line, today, timezone) -> list[Problem]:
    if not value:
        return []
    try:
        when = parse_date(value)
    except DateError as e:
        return [Problem(path, "Date", e.message, e.fix, True, line)]
    day = local_day(when, timezone) if timezone else when.date()
    if today is not None and day > today:
        return [
            Problem(
                path,
                "Date",
                f"ngày {day:%d/%m/%Y} ở tương lai",
                "kiểm tra lại năm, tháng, ngày",
                False,
                line,
            )
        ]
    if when.year < 1990:
        return [
            Problem(
                path, "Date", f"ngày {value} quá cũ", "kiểm tra lại năm", True, line
            )
        ]
    return []


def year_of(meta: Metadata | None) -> str:
    """The year a report's Date names, or "<năm>"."""
    try:
        return str(parse_date(meta.first("Date")[0]).year)
    except (DateError, AttributeError):
        return "<năm>"


@dataclass
class Layout:
    """Where things go in a content folder (the build's settings)."""

    articles: tuple[str, ...] = ("tin-tuc",)
    pages: tuple[str, ...] = ("pages",)
    static: tuple[str, ...] = ("extra",)
    # Read and checked by other plugins (office: announcements, documents).
    others: tuple[str, ...] = ("thong-bao", "van-ban")


def inside(path: str, folder: str) -> bool:
    """Whether ``path`` (links followed) lies inside ``folder``."""
    return bool(keep_inside([path], folder, str))


def keep_inside(items: list, folder: str, path_of) -> list:
    """The ``items`` whose file (``path_of(item)``, links followed) lies
    inside ``folder``."""
    top = os.path.realpath(folder).rstrip(os.sep) + os.sep
    return [i for i in items if os.path.realpath(path_of(i)).startswith(top)]


def walk(content_dir: str) -> Iterator[tuple[str, bool]]:
    """(content-relative path, is a link) of every file and link, links not
    followed; names starting with "." and editors' backups left out."""
    top = os.path.normpath(content_dir)
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        below = os.path.relpath(root, top).replace(os.sep, "/")
        prefix = "" if below == "." else below + "/"
        links = [d for d in dirs if os.path.islink(os.path.join(root, d))]
        for name in sorted(files + links):
            if name.startswith(".") or name.endswith("~"):
                continue
            yield prefix + name, os.path.islink(os.path.join(root, name))


def _under(rel: str, folders: tuple[str, ...]) -> bool:
    return any(rel == f or rel.startswith(f.rstrip("/") + "/") for f in folders)


def place(
    rel: str, label: str, layout: Layout, meta: Metadata | None
) -> Problem | None:
    """The problem of a file that is where the build does not look for it."""
    ext = os.path.splitext(rel)[1].lower()
    path = f"{label}/{rel}"
    if ext in CONTENT_EXTENSIONS and not _under(
        rel, layout.articles + layout.pages + layout.others
    ):
        return Problem(
            path,
            "tệp",
            "bài viết nằm ngoài thư mục bài nên không được đăng",
            f"chuyển tệp vào {label}/{layout.articles[0]}/{year_of(meta)}/ "
            f"(hoặc {label}/{layout.pages[0]}/ nếu là trang giới thiệu)",
        )
    if ext in OTHER_READERS and _under(rel, layout.articles + layout.pages):
        return Problem(
            path,
            "tệp",
            f"tệp {ext} không phải bài viết Markdown (.md)",
            "viết lại thành tệp .md theo docs/huong-dan-bien-tap.md, hoặc nhập "
            f"bằng make import SRC={path}",
        )
    if ext in IMPORT_EXTENSIONS and not _under(rel, layout.static):
        return Problem(
            path,
            "tệp",
            f"tệp {ext} không được đăng trực tiếp",
            f"nhập thành bài bằng: make import SRC={path} — rồi xóa tệp này",
        )
    return None


def check_folder(
    content_dir: str,
    registry: Registry | None,
    today: date | None = None,
    timezone: tzinfo | None = None,
    layout: Layout | None = None,
    max_bytes: int = MAX_BYTES,
    debug: bool = False,
) -> list[Problem]:
    """Every problem of a content folder, in file order (registry aside).

    Each file is read once; one that cannot be read at all is a problem
    ("không đọc được"), never an exception (``debug``: the exception).
    """
    layout = layout or Layout()
    label = os.path.basename(os.path.normpath(content_dir))
    out = []
    for rel, is_link in walk(content_dir):
        path, full = f"{label}/{rel}", os.path.join(content_dir, rel)
        if is_link and not inside(full, content_dir):
            out.append(
                Problem(
                    path,
                    "tệp",
                    "liên kết (symlink) trỏ ra ngoài thư mục nội dung: không đăng",
                    "chép tệp thật vào thư mục nội dung thay cho liên kết",
                )
            )
            continue
        if os.path.isdir(full):
            continue
        ext = os.path.splitext(rel)[1].lower()
        meta = None
        kind = "page" if _under(rel, layout.pages) else "article"
        if ext in CONTENT_EXTENSIONS and not _under(rel, layout.static):
            try:
                size = os.path.getsize(full)
                if size > max_bytes:  # never read: refused as it is
                    raise TooLarge(too_large(size, max_bytes))
                with open(full, "rb") as f:
                    raw = f.read()
                problems, meta = check_text(
                    path, raw, kind, registry, today, timezone, max_bytes
                )
            except TooLarge as e:
                problems = [Problem(path, "tệp", str(e), TOO_LARGE_FIX, True, 1)]
            except Exception as e:  # any failure is the file's, never a traceback
                if debug:
                    raise
                problems = [unreadable(path, str(e) or type(e).__name__)]
            if _under(rel, layout.articles + layout.pages):
                out += problems
        problem = place(rel, label, layout, meta)
        if problem:
            out.append(problem)
    return out


def unreadable(path: str, reason: str) -> Problem:
    """An unexpected failure on one file, worded for an editor."""
    return Problem(
        path,
        "tệp",
        f"không đọc được {path}: {reason}",
        "sửa tệp theo lý do trên; chạy lại với --debug để xem chi tiết",
    )


def site_today(tz: tzinfo) -> date:
    """Today in the site's time zone (not the machine's)."""
    return datetime.now(tz).date()
