"""A plain-text report (or .docx) becomes a draft article (pure core).

Reports reach ward offices as text like ``../shared/seeds``: often a title
line (sometimes in CAPITALS), the date in the first sentence, "phường X" in
it, photo captions on their own short lines (with a credit "(Ảnh: ...)"), the
byline last.  :func:`parse_report` reads what a person reads there and says
what it guessed; :func:`render` writes the Markdown.  The text itself is kept
verbatim (NFC), only the closing "./." is dropped and an ALL-CAPS title is
put in sentence case.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from datetime import date

from portal.registry import Registry
from vietnamese.text import capitalize_first, fold, name_key, nfc, slugify

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
# "Bài và ảnh: Phan Thành", "Tin, ảnh: Duy Quý" before a byline
_BYLINE_LABEL = re.compile(
    r"^\s*(?:bài|tin)(?:\s*(?:,|và|&|\+)\s*ảnh)?\s*:\s*", re.IGNORECASE
)
# a photo credit at the end of a caption, or alone on the line under it:
# "(Ảnh: Nguyễn Thị Lan)", "- Ảnh: Duy Quý", "Ảnh: Duy Quý"
_CREDIT = re.compile(
    r"^(?P<caption>.*?)[\s,.\-–—]*[(\[]?\s*ảnh\s*:\s*(?P<name>[^()\[\]]+?)"
    r"\s*[)\]]?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ])")
_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"
# one Vietnamese syllable; a capitalised word that is not one is an acronym
# (UBND, HĐND, MTTQ, BVANTQ) or a Roman numeral (XII, IV) and keeps its case
_SYLLABLE = re.compile(
    rf"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    rf"(?!\w*ii)[{_VOWELS}]{{1,3}}(?:ch|ng|nh|[cmnpt])?$"
)
_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_BEFORE_NUMERAL = {"thứ", "khóa", "khoá", "kỳ", "kì", "lần", "khu", "tổ"}
# names written with capitals wherever they stand in a sentence
PROPER_NAMES = (
    "Đảng",
    "Nhà nước",
    "Chính phủ",
    "Quốc hội",
    "Tổ quốc",
    "Mặt trận Tổ quốc",
    "Việt Nam",
    "Hồ Chí Minh",
    "Tết Nguyên đán",
    "Tết",
)
_TOWN_KIND = re.compile(r"^(?:thị xã|thành phố|huyện|quận|tỉnh)\s+", re.IGNORECASE)


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

    @property
    def short(self) -> str:
        """The start of the slug, for the names of the report's photos."""
        return self.slug[:40].rstrip("-")


def split_credit(line: str) -> tuple[str, str]:
    """(caption, photographer) of a caption line; ("", name) for a credit alone."""
    m = _CREDIT.match(line.strip())
    if not m:
        return line.strip(), ""
    return m["caption"].strip(), " ".join(m["name"].split())


def caption_line(caption: str, credit: str) -> str:
    """The caption as the photos plugin reads it: "Caption (Ảnh: Name)"."""
    return " ".join(filter(None, (caption, f"(Ảnh: {credit})" if credit else "")))


def is_caption(line: str) -> bool:
    """A photo caption: a short line without closing punctuation (a credit
    "(Ảnh: ...)" at its end aside)."""
    caption, credit = split_credit(line)
    if credit:
        return not caption or is_caption(caption)
    return 0 < len(caption) <= 200 and not _CLOSING.search(caption)


def is_all_caps(text: str) -> bool:
    cased = [c for c in text if c.lower() != c.upper()]
    return len(cased) >= 8 and sum(c.isupper() for c in cased) >= 0.9 * len(cased)


def is_title_line(line: str, title_hint: bool = False) -> bool:
    """A report's first line is its title when it reads like one: in
    CAPITALS, marked as a heading (``title_hint``: bold or a heading style
    in .docx), or short, undated and without a full stop."""
    line = line.strip()
    if len(line) > 300:
        return False
    if is_all_caps(line):
        return True
    if find_date(line)[0] is not None:  # a lead sentence, even in bold
        return False
    return title_hint or (len(line) <= 250 and not re.search(r"[.,;:…]\s*$", line))


def find_date(sentence: str) -> tuple[date | None, str]:
    m = _DATE.search(sentence)
    if not m:
        return None, ""
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"])), m.group(0)
    except ValueError:
        return None, m.group(0)


def sentences(paragraph: str) -> list[str]:
    return _SENTENCE_END.split(paragraph)


def first_sentence(paragraph: str) -> str:
    return sentences(paragraph)[0]


def first_dated_sentence(paragraphs: list[str]):
    """(date, the words it was read from, the sentence) of the first sentence
    that has a date, or (None, "", "")."""
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            found, words = find_date(sentence)
            if found:
                return found, words, sentence
    return None, "", ""


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


def registry_names(registry: Registry) -> list[str]:
    """Wards, towns (every unit a ward has belonged to) and provinces of the
    registry, as proper names."""
    names = set()
    for ward in registry.wards:
        names.add(ward.name)
        places = (ward.town, ward.province, *(p.parent for p in ward.history.periods))
        names.update(_TOWN_KIND.sub("", place) for place in places if place)
    return sorted(names)


def _words(text: str) -> list[tuple[re.Match, bool]]:
    """The words of ``text``, each with whether it starts a sentence."""
    out, end = [], None
    for m in _WORD.finditer(text):
        gap = text[end : m.start()] if end is not None else ""
        out.append((m, end is None or bool(re.search(r"[.!?…\n]", gap))))
        end = m.end()
    return out


def _cased_like(word: str, model: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    return capitalize_first(word.lower()) if model[:1].isupper() else word.lower()


def sentence_case(title: str, context: str = "", names=()) -> str:
    """An ALL-CAPS title in sentence case.

    Each run of two or more words that the report itself writes in the
    middle of a sentence takes the report's capitals ("Hội nghị", "Mặt trận
    Tổ quốc"); ``names`` (the registry's wards and places) and
    :data:`PROPER_NAMES` keep theirs; acronyms (UBND, HĐND, MTTQ) and
    Roman numerals stay in capitals; the first letter is a capital.
    """
    words = [m.group(0) for m, _ in _words(title)]
    keys = [name_key(w) for w in words]
    cased = [w.lower() for w in words]
    body = [(m.group(0), initial) for m, initial in _words(context)]
    body_keys = [name_key(w) for w, _ in body]
    i = 0
    while i < len(words):
        best, where = 1, None
        for j, key in enumerate(body_keys):
            if key != keys[i]:
                continue
            n = 1
            while (
                i + n < len(words)
                and j + n < len(body)
                and body_keys[j + n] == keys[i + n]
            ):
                n += 1
            if n > best:
                best, where = n, j
        if where is None:
            i += 1
            continue
        for k in range(best):
            model, initial = body[where + k]
            if not initial:
                cased[i + k] = _cased_like(words[i + k], model)
        i += best
    for name in (*names, *PROPER_NAMES):
        model = _WORD.findall(name)
        model_keys = [name_key(w) for w in model]
        for i in range(len(words) - len(model) + 1):
            if keys[i : i + len(model)] == model_keys:
                for k, m in enumerate(model):
                    cased[i + k] = _cased_like(words[i + k], m)
    for i, word in enumerate(words):
        lower = word.lower()
        after = cased[i - 1].lower() if i else ""
        numeral = _ROMAN.match(word) and (
            not _SYLLABLE.match(lower) or after in _BEFORE_NUMERAL
        )
        if word.isupper() and (numeral or not _SYLLABLE.match(lower)):
            cased[i] = word
    out, last = [], 0
    for (m, _), word in zip(_words(title), cased, strict=True):
        out += [title[last : m.start()], word]
        last = m.end()
    out.append(title[last:])
    return capitalize_first("".join(out).strip())


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
    return capitalize_first(text)


def propose_summary(sentence: str, date_text: str) -> str:
    summary = sentence.replace(date_text, "", 1).strip(" ,;")
    summary = re.split(r"\s*;\s*", summary)[0].rstrip(".")
    if len(summary) > 250:
        cut = summary.rfind(",", 0, 250)
        summary = summary[: cut if cut > 80 else summary.rfind(" ", 0, 250)]
    return capitalize_first(summary + ".")


def _take_byline(lines: list[str], draft: Draft) -> list[str]:
    """``lines`` without the byline, whose names become the authors."""
    last = _BYLINE_LABEL.sub("", lines[-1]) if len(lines) > 1 else ""
    if last and len(last) <= 60 and _BYLINE.match(last):
        draft.authors = [
            a.strip() for a in re.split(r"\s*[-–,]\s*|\s+và\s+", last) if a.strip()
        ]
        draft.guesses.append(
            f"Authors: {', '.join(draft.authors)} (dòng cuối: “{lines[-1]}”)"
        )
        return lines[:-1]
    draft.guesses.append("Authors: không thấy dòng tác giả ở cuối bài — để trống")
    return lines


def _photo_blocks(lines: list[str], draft: Draft, year: int) -> list[str]:
    """Paragraphs, with each caption (and a credit line under it) turned into
    a photo slot ``![caption](images/<year>/<short>-N.jpg)`` + caption line."""
    blocks: list[tuple[str, str] | str] = []  # (caption, credit) for photos
    for i, line in enumerate(lines):
        caption, credit = split_credit(line)
        if credit and not caption and blocks and isinstance(blocks[-1], tuple):
            if not blocks[-1][1]:  # "(Ảnh: ...)" alone under its caption
                blocks[-1] = (blocks[-1][0], credit)
                continue
        if i > 0 and is_caption(line):
            blocks.append((caption, credit))
        else:
            blocks.append(line)
    out = []
    for block in blocks:
        if isinstance(block, str):
            out.append(block)
            continue
        caption, credit = block
        n = len(draft.captions) + 1
        draft.captions.append(caption_line(caption, credit))
        out.append(
            f"![{caption}](images/{year}/{{short}}-{n}.jpg)\n"
            + caption_line(caption, credit)
        )
    return out


def parse_report(
    text: str, registry: Registry, ward_hint: str = "", title_hint: bool = False
) -> Draft:
    """The draft a person would make of ``text``; ``title_hint``: the first
    line is known to be a heading (a bold or heading paragraph in .docx)."""
    text = nfc(text.lstrip("\ufeff")).replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    draft = Draft()
    if not lines:
        draft.problems.append("tệp trống: không có nội dung để nhập")
        return draft
    lines = _take_byline(lines, draft)
    title_line = ""
    if len(lines) > 1 and is_title_line(lines[0], title_hint):
        title_line, lines = lines[0].strip(" ."), lines[1:]
    prose = [line for i, line in enumerate(lines) if i == 0 or not is_caption(line)]
    lead = first_sentence(prose[0])
    draft.date, date_text, dated = first_dated_sentence(prose)
    if draft.date:
        where = "" if dated == lead else f" trong câu “{dated[:80]}”"
        draft.guesses.append(
            f"Date: {draft.date.isoformat()} (từ “{date_text}”{where})"
        )
    else:
        draft.problems.append(
            "không thấy ngày trong bài (ví dụ 'Chiều ngày 10/01/2024') — "
            "điền dòng Date: YYYY-MM-DD"
        )
    ward_words = ""
    if ward_hint:
        draft.ward = registry.ward(ward_hint)
        if draft.ward is None:
            draft.problems.append(f"không có phường '{ward_hint}' trong danh mục")
        else:
            draft.guesses.append(f"Ward: {draft.ward.name} (theo WARD=)")
            _, ward_words = find_ward(lead, registry)
    if draft.ward is None:
        for where in (lead, title_line, " ".join(lines)):
            draft.ward, ward_words = find_ward(where, registry)
            if draft.ward is not None:
                break
        if draft.ward is not None:
            draft.guesses.append(f"Ward: {draft.ward.name} (từ “phường {ward_words}”)")
        elif not ward_hint:
            draft.problems.append(
                'không nhận ra phường — chạy lại với WARD="Tên phường" '
                "hoặc điền dòng Ward"
            )
    draft.topics = suggest_topics(" ".join([title_line, *lines]), registry)
    draft.guesses.append(
        "Topics: "
        + (", ".join(t.name for t in draft.topics) or "chưa đoán được")
        + " (đề xuất theo từ khóa — kiểm tra lại)"
    )
    if title_line and is_all_caps(title_line):
        draft.title = sentence_case(
            title_line, "\n".join(lines), registry_names(registry)
        )
        draft.guesses.append(
            f"Title: {draft.title} (dòng đầu, viết IN HOA, đã chuyển sang chữ "
            "thường — kiểm tra tên riêng)"
        )
    elif title_line:
        draft.title = title_line
        draft.guesses.append(f"Title: {draft.title} (dòng đầu của bản tin)")
    else:
        lead_date = date_text if dated == lead else ""
        draft.title = propose_title(lead, lead_date, draft.ward, ward_words)
        draft.guesses.append(f"Title: {draft.title} (đề xuất — sửa cho gọn)")
    draft.summary = propose_summary(lead, date_text if dated == lead else "")
    draft.guesses.append("Summary: câu đầu của bài (đề xuất)")
    year = draft.date.year if draft.date else date.today().year
    draft.paragraphs = _photo_blocks(lines, draft, year)
    if draft.captions:
        draft.guesses.append(
            f"Ảnh: {len(draft.captions)} chú thích thành chỗ đặt ảnh — chép ảnh "
            f"vào images/{year}/ với tên {draft.short}-1.jpg"
            + (
                f" … {draft.short}-{len(draft.captions)}.jpg"
                if draft.captions[1:]
                else ""
            )
        )
    if draft.paragraphs and not draft.paragraphs[-1].startswith("!["):
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
    body = "\n\n".join(p.replace("{short}", draft.short) for p in draft.paragraphs)
    return "\n".join(meta) + "\n\n" + body + "\n"
