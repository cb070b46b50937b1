"""A plain-text report (or .docx) becomes a draft article (pure core).

Reports reach ward offices as text like ``../shared/seeds``: the date in the
first sentence, "phường X" in it, photo captions on their own short lines,
the byline last.  :func:`parse_report` reads what a person reads there and
says what it guessed; :func:`render` writes the Markdown.  The text itself
is kept verbatim (NFC), only the closing "./." is dropped.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from datetime import date

from portal.registry import Registry
from vietnamese.text import fold, nfc, slugify

_DATE = re.compile(
    r"(?:(?P<part>sáng|chiều|tối|trưa|đêm)\s+)?(?:(?:hôm\s+)?ngày\s+)?"
    r"(?P<d>\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(?P<m>\d{1,2})"
    r"\s*(?:/|-|\.|\s+năm\s+)\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
_CLOSING = re.compile(r"[.!?…:;\"”)]\s*$")
_END_MARK = re.compile(r"\s*\./\.\s*$")
_NAME = r"[A-ZĐÀ-Ỹ][^\s,.;:\-–]*(?:\s+[A-ZĐÀ-Ỹ][^\s,.;:\-–]*){0,3}"
_BYLINE = re.compile(rf"^\s*{_NAME}(?:\s*(?:[-–,]|\bvà\b)\s*{_NAME})*\s*$")


@dataclass
class Draft:
    title: str = ""
    date: dt.date | None = None
    ward: object = None  # portal.registry.Ward
    authors: list[str] = field(default_factory=list)
    topics: list = field(default_factory=list)  # portal.registry.Topic
    summary: str = ""
    paragraphs: list[str] = field(default_factory=list)  # Markdown blocks
    captions: list[str] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)  # what it guessed, for people
    problems: list[str] = field(default_factory=list)

    @property
    def slug(self) -> str:
        slug = slugify(self.title)[:80].rstrip("-")
        return slug or "bai-viet"


def is_caption(line: str) -> bool:
    """A photo caption: a short line without closing punctuation."""
    line = line.strip()
    return (
        0 < len(line) <= 200 and not _CLOSING.search(line) and not line.endswith("./.")
    )


def find_date(sentence: str) -> tuple[date | None, str]:
    m = _DATE.search(sentence)
    if not m:
        return None, ""
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"])), m.group(0)
    except ValueError:
        return None, m.group(0)


def find_ward(text: str, registry: Registry):
    """The registry ward named "phường X" (any spelling), and the words used."""
    for m in re.finditer(r"phường\s+((?:[A-ZĐÀ-Ỹ]\S*\s*){1,3})", text, re.IGNORECASE):
        words = m.group(1).split()
        for n in range(len(words), 0, -1):
            candidate = " ".join(words[:n]).strip(",.;:")
            ward = registry.ward(candidate)
            if ward is not None:
                return ward, candidate
    return None, ""


def suggest_topics(text: str, registry: Registry, limit: int = 2) -> list:
    folded = fold(text).replace("–", "-")
    scores = []
    for topic in registry.topics:
        names = [topic.name, *topic.synonyms]
        count = sum(
            folded.count(fold(n).replace("–", "-")) for n in names if len(n) > 3
        )
        if count:
            scores.append((-count, registry.topics.index(topic), topic))
    return [t for _, _, t in sorted(scores)[:limit]]


def first_sentence(paragraph: str) -> str:
    m = re.search(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ])", paragraph)
    return paragraph[: m.start()] if m else paragraph


def propose_title(sentence: str, date_text: str, ward, ward_words: str) -> str:
    text = sentence.replace(date_text, "", 1).strip(" ,;.")
    text = re.split(r"\s*;\s*|\.\s", text)[0]
    if ward is not None and ward_words:
        idx = text.find(ward_words)
        if idx >= 0:
            text = f"Phường {ward.name}" + text[idx + len(ward_words) :]
    if len(text) > 120:
        cut = text.rfind(",", 0, 120)
        text = text[: cut if cut > 40 else text.rfind(" ", 0, 120)]
    text = text.strip(" ,;.")
    return text[:1].upper() + text[1:]


def parse_report(text: str, registry: Registry, ward_hint: str = "") -> Draft:
    text = nfc(text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    draft = Draft()
    if not lines:
        draft.problems.append("tệp trống: không có nội dung để nhập")
        return draft
    byline = (
        lines[-1]
        if len(lines) > 1 and _BYLINE.match(lines[-1]) and (len(lines[-1]) <= 60)
        else ""
    )
    if byline:
        lines = lines[:-1]
        draft.authors = [
            a.strip() for a in re.split(r"\s*[-–,]\s*|\s+và\s+", byline) if a.strip()
        ]
        draft.guesses.append(
            f"Authors: {', '.join(draft.authors)} (dòng cuối: “{byline}”)"
        )
    else:
        draft.guesses.append("Authors: không thấy dòng tác giả ở cuối bài — để trống")
    lead = first_sentence(lines[0])
    draft.date, date_text = find_date(lead)
    if draft.date:
        draft.guesses.append(f"Date: {draft.date.isoformat()} (từ “{date_text}”)")
    else:
        draft.problems.append(
            "không thấy ngày trong câu đầu (ví dụ 'Chiều ngày 10/01/2024') — "
            "điền dòng Date: YYYY-MM-DD"
        )
    if ward_hint:
        draft.ward, ward_words = registry.ward(ward_hint), ""
        if draft.ward is None:
            draft.problems.append(f"không có phường '{ward_hint}' trong danh mục")
        else:
            draft.guesses.append(f"Ward: {draft.ward.name} (theo WARD=)")
    if draft.ward is None:
        draft.ward, ward_words = find_ward(lead, registry)
        if draft.ward is None:
            draft.ward, ward_words = find_ward(" ".join(lines), registry)
        if draft.ward is not None:
            draft.guesses.append(f"Ward: {draft.ward.name} (từ “phường {ward_words}”)")
        elif not ward_hint:
            draft.problems.append(
                'không nhận ra phường — chạy lại với WARD="Tên phường" '
                "hoặc điền dòng Ward"
            )
    else:
        _, ward_words = find_ward(lead, registry)
    draft.topics = suggest_topics(" ".join(lines), registry)
    draft.guesses.append(
        "Topics: "
        + (", ".join(t.name for t in draft.topics) or "chưa đoán được")
        + " (đề xuất theo từ khóa — kiểm tra lại)"
    )
    draft.title = propose_title(lead, date_text, draft.ward, ward_words)
    draft.guesses.append(f"Title: {draft.title} (đề xuất — sửa cho gọn)")
    summary = lead.replace(date_text, "", 1).strip(" ,;")
    summary = re.split(r"\s*;\s*", summary)[0].rstrip(".")
    if len(summary) > 250:
        cut = summary.rfind(",", 0, 250)
        summary = summary[: cut if cut > 80 else summary.rfind(" ", 0, 250)]
    summary += "."
    draft.summary = summary[:1].upper() + summary[1:]
    draft.guesses.append("Summary: câu đầu của bài (đề xuất)")
    year = draft.date.year if draft.date else date.today().year
    for i, line in enumerate(lines):
        if i > 0 and is_caption(line):
            n = len(draft.captions) + 1
            draft.captions.append(line)
            draft.paragraphs.append(
                f"![{line}](images/{year}/{{short}}-{n}.jpg)\n{line}"
            )
        else:
            draft.paragraphs.append(line)
    if draft.captions:
        draft.guesses.append(
            f"Ảnh: {len(draft.captions)} chú thích thành chỗ đặt ảnh "
            f"images/{year}/<tên-bài>-N.jpg"
        )
    if draft.paragraphs:
        draft.paragraphs[-1] = _END_MARK.sub("", draft.paragraphs[-1])
        if draft.paragraphs[-1] and not _CLOSING.search(draft.paragraphs[-1]):
            draft.paragraphs[-1] += "."
    return draft


def render(draft: Draft, status: str = "draft") -> str:
    meta = [
        f"Title: {draft.title}",
        f"Date: {draft.date.isoformat() if draft.date else ''}",
        f"Ward: {draft.ward.name if draft.ward else ''}",
        f"Topics: {', '.join(t.name for t in draft.topics)}",
        *([f"Authors: {', '.join(draft.authors)}"] if draft.authors else []),
        f"Summary: {draft.summary}",
        f"Status: {status}",
    ]
    short = draft.slug[:40].rstrip("-")
    body = "\n\n".join(p.replace("{short}", short) for p in draft.paragraphs)
    return "\n".join(meta) + "\n\n" + body + "\n"
