"""What an announcement or a document must say: pure rules on metadata.

The build (:mod:`office.generator`) and ``make check`` (:mod:`office.checks`)
apply the same functions, so they never disagree.  A rule gets the metadata
as the editor wrote it (lower-case keys; the build passes Pelican's parsed
date, which is valid by then) and returns ``(field, message, fix, level)``.
"""

import re
from datetime import date, datetime

from vietnamese.text import closest, name_key, nfc

# The forms of administrative documents an office issues or forwards most
# often; another form is allowed (a warning suggests the closest one).
DOCUMENT_TYPES = (
    "Quyết định",
    "Kế hoạch",
    "Thông báo",
    "Công văn",
    "Báo cáo",
    "Chỉ thị",
    "Nghị quyết",
    "Hướng dẫn",
    "Tờ trình",
    "Giấy mời",
    "Chương trình",
)
_TYPES = {name_key(t): t for t in DOCUMENT_TYPES}
_DATE_FORMS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
_PDF = re.compile(r"\.pdf$", re.I)


def parse_date(value) -> datetime | None:
    """A ``YYYY-MM-DD[ HH:MM[:SS]]`` value (or a date already parsed)."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(str(value).strip(), form)
        except ValueError:
            continue
    return None


def document_type(value: str) -> str:
    """The list's spelling of a document type ("quyết định" -> "Quyết định"),
    or the value as written when it is not in the list."""
    value = nfc(str(value or "").strip())
    return _TYPES.get(name_key(value), value)


def _required(meta, key, field, what, example, out):
    if not str(meta.get(key) or "").strip():
        out.append(
            (
                field,
                f"thiếu {what}",
                f"thêm dòng '{field}: {example}' ở đầu tệp",
                "error",
            )
        )
        return False
    return True


def _date_rule(meta, key, field, out) -> datetime | None:
    value = meta.get(key)
    when = parse_date(value)
    if when is None:
        out.append(
            (
                field,
                f"ngày '{value}' không đúng dạng",
                f"viết YYYY-MM-DD, ví dụ '{field}: 2024-01-10'",
                "error",
            )
        )
    return when


def announcement_problems(meta: dict) -> list[tuple]:
    """Title and Date are required; Expires, when given, is a date after Date."""
    out = []
    _required(meta, "title", "Title", "tiêu đề", "Thông báo lịch tiếp công dân", out)
    start = None
    if _required(meta, "date", "Date", "ngày đăng", "2024-01-10", out):
        start = _date_rule(meta, "date", "Date", out)
    if str(meta.get("expires") or "").strip():
        end = _date_rule(meta, "expires", "Expires", out)
        if start and end and end.date() < start.date():
            out.append(
                (
                    "Expires",
                    f"ngày hết hạn {end:%d/%m/%Y} trước ngày đăng {start:%d/%m/%Y}",
                    "sửa lại ngày ở dòng Expires",
                    "error",
                )
            )
    return out


def pdf_state(path) -> str:
    """ "ok", "missing" or "not-pdf" (a file that does not start as a PDF)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(5)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return "missing"
    return "ok" if head == b"%PDF-" else "not-pdf"


def document_problems(meta: dict, pdf_state_of) -> list[tuple]:
    """Title (trích yếu), Number, Date, Issuer, Type and File are required;
    File names a PDF beside the document (``pdf_state_of(name)``, see
    :func:`pdf_state`)."""
    out = []
    _required(meta, "title", "Title", "trích yếu", "Về việc ...", out)
    _required(meta, "number", "Number", "số hiệu văn bản", "12/QĐ-UBND", out)
    if _required(meta, "date", "Date", "ngày ban hành", "2024-01-10", out):
        _date_rule(meta, "date", "Date", out)
    _required(meta, "issuer", "Issuer", "cơ quan ban hành", "UBND phường ...", out)
    if _required(meta, "type", "Type", "loại văn bản", "Quyết định", out):
        kind = document_type(meta["type"])
        if kind not in DOCUMENT_TYPES:
            hint = closest(kind, list(DOCUMENT_TYPES))
            out.append(
                (
                    "Type",
                    f"loại văn bản '{kind}' không có trong danh sách",
                    (f"có phải ý bạn là: {', '.join(hint)}? " if hint else "")
                    + "dùng một loại: "
                    + ", ".join(DOCUMENT_TYPES),
                    "warning",
                )
            )
    if _required(meta, "file", "File", "tệp PDF của văn bản", "ten-tep.pdf", out):
        name = str(meta["file"]).strip()
        if not _PDF.search(name):
            out.append(
                ("File", f"'{name}' không phải tệp .pdf", "đính kèm bản PDF", "error")
            )
        elif (state := pdf_state_of(name)) == "missing":
            out.append(
                (
                    "File",
                    f"không tìm thấy tệp {name}",
                    "chép tệp PDF vào cùng thư mục với tệp văn bản, đúng tên này",
                    "error",
                )
            )
        elif state == "not-pdf":
            out.append(
                (
                    "File",
                    f"tệp {name} không phải PDF (có thể bị hỏng hoặc đổi đuôi)",
                    "xuất lại văn bản ra PDF rồi chép đè tệp này",
                    "error",
                )
            )
    return out
