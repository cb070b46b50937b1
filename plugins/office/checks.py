"""``make check`` for announcements and documents: the build's own rules
(:mod:`office.rules`) on every file, with line numbers, without building."""

import re
from dataclasses import dataclass
from pathlib import Path

from .rules import announcement_problems, document_problems, pdf_state
from .settings import DEFAULTS

_META = re.compile(r"^(?P<key>[A-Za-z][A-Za-z_-]*)\s*:\s*(?P<value>.*)$")


@dataclass
class OfficeFinding:
    """One problem: the fields of ``editor.check.Finding``, in its order."""

    path: str
    line: int
    field: str
    message: str
    fix: str
    level: str = "error"


def read_metadata(text: str) -> dict[str, tuple[str, int]]:
    """{lower-case key: (value, line)} of the lines before the first blank one."""
    meta = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        match = _META.match(line)
        if not line.strip() or not match:
            break
        meta[match["key"].lower()] = (match["value"].strip(), number)
    return meta


def _findings(rel: str, meta: dict, problems: list) -> list[OfficeFinding]:
    return [
        OfficeFinding(rel, meta.get(field.lower(), ("", 1))[1], field, msg, fix, level)
        for field, msg, fix, level in problems
    ]


def check_office_content(content_dir) -> list[OfficeFinding]:
    """Every problem of the announcements and documents under ``content_dir``
    (paths as editors see them: ``content/van-ban/...``)."""
    content_dir = Path(content_dir)
    found = []
    for key, is_document in (
        ("OFFICE_ANNOUNCEMENTS_PATH", False),
        ("OFFICE_DOCUMENTS_PATH", True),
    ):
        for path in sorted((content_dir / DEFAULTS[key]).rglob("*.md")):
            rel = f"{content_dir.name}/{path.relative_to(content_dir).as_posix()}"
            try:
                meta = read_metadata(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                found.append(
                    OfficeFinding(
                        rel, 1, "tệp", "không phải UTF-8", "lưu lại với bảng mã UTF-8"
                    )
                )
                continue
            if meta.get("status", ("",))[0].lower() == "draft":
                continue
            values = {k: v for k, (v, _) in meta.items()}
            if is_document:
                problems = document_problems(
                    values, lambda name, folder=path.parent: pdf_state(folder / name)
                )
            else:
                problems = announcement_problems(values)
            found += _findings(rel, meta, problems)
    return found
