"""Who was commended in a report: a pure parser of Vietnamese award sentences.

    parse_awards("UBND phường khen thưởng cho 01 tập thể, 04 cá nhân ...")
    -> Tally(collectives=1, individuals=4, ...)

Matching runs on a *folded* copy of the text (lower case, no diacritics,
đ -> d) of exactly the same length, so text typed without diacritics is
understood and every match maps back to the original spelling.

A sentence counts only when an award verb governs it (khen thưởng, biểu
dương, or tặng/trao/nhận with a form of award); proposals (đề nghị ... khen
thưởng), penalties and discipline never count; attendance never counts.
When a sentence has an award verb but no countable recipients, or counts
that cannot be trusted ("hơn 100 cá nhân"), nothing is counted and the
sentence is listed in ``unsure`` for the editor.
"""

import re
import unicodedata
from dataclasses import dataclass, field


class _FoldTable(dict):
    """code point -> folded character, filled on first use (for str.translate)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in "đĐ":
            folded = "d"
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            folded = base.lower() if len(base.lower()) == 1 else base
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower case, without diacritics, đ -> d; same length as ``text`` (NFC)."""
    return text.translate(_FOLD)


# --- vocabulary (folded) ----------------------------------------------------

COLLECTIVE = (
    r"tap the|to chuc|chi bo|don vi|co quan|chi hoi|doan the|khoi pho|to dan pho"
    r"|thon|ban nganh|truong hoc|truong|ho gia dinh|gia dinh|doanh nghiep"
)
INDIVIDUAL = (
    r"ca nhan|dang vien|hoi vien|doan vien|dong chi|can bo|chien si|hoc sinh"
    r"|cong dan|nguoi|giao vien|em|thanh nien|cau be"
)
FORMS = {
    "giay khen": "Giấy khen",
    "bang khen": "Bằng khen",
    "ky niem chuong": "Kỷ niệm chương",
    "huan chuong": "Huân chương",
    "huy chuong": "Huy chương",
    "co thi dua": "Cờ thi đua",
    "chien si thi dua": "Chiến sĩ thi đua",
    "lao dong tien tien": "Lao động tiên tiến",
    "tap the lao dong xuat sac": "Tập thể lao động xuất sắc",
    "thu khen": "Thư khen",
}
FORM_RE = re.compile(r"\b(" + "|".join(sorted(FORMS, key=len, reverse=True)) + r")\b")
# khen thưởng / biểu dương alone are awards; tặng / trao / nhận need a form.
STRONG_VERBS = ("khen thuong", "bieu duong", "tuyen duong")
STRONG_VERB = re.compile(r"\b(" + "|".join(STRONG_VERBS) + r")\b")
# ("cá nhân" folds to "ca nhan": not the verb nhận)
WEAK_VERB = re.compile(r"\b(tang|trao tang|trao|(?<!ca )nhan|duoc nhan)\b")
NOT_AN_AWARD = re.compile(
    r"\b(xu phat|xu ly vi pham|ky luat|canh cao|khien trach|phat tien|bi phat)\b"
)
PROPOSAL = re.compile(r"\b(de nghi|de xuat|trinh|xet de nghi|kien nghi)\b")
# "thi đua, khen thưởng" / "công tác khen thưởng": the name of a field of work.
FIELD_OF_WORK = re.compile(
    r"(thi dua\s*[,\-–]?\s*|cong tac |hoi dong |quy |che do )(khen thuong|bieu duong)"
)
APPROXIMATE = re.compile(r"\b(hon|gan|khoang|tren|hang|nhieu|vai)\s*$")
ATTENDING = re.compile(
    r"^\s*(\S+\s+){0,3}?(tham du|tham gia|co mat|du hoi nghi|vang mat)\b"
)
HONORIFIC = re.compile(r"(?<![a-z])(dong chi|d/c|ong|ba|anh|chi|em|chau|thay|co)\s+")


# Folding merges words the verbs must not be confused with: "tuyến đường"
# (a road) folds like "tuyên dương", "tăng" (to rise) like "tặng".  A verb
# typed with diacritics must be spelled as the verb; one typed without any
# is taken at its word.
VERB_SPELLINGS = frozenset(
    {
        "khen thưởng",
        "biểu dương",
        "tuyên dương",
        "tặng",
        "trao tặng",
        "trao",
        "nhận",
        "được nhận",
    }
)


def _verbs(pattern: re.Pattern, original: str, folded: str) -> list[re.Match]:
    found = []
    for m in pattern.finditer(folded):
        typed = original[m.start() : m.end()]
        if typed.isascii() or " ".join(typed.lower().split()) in VERB_SPELLINGS:
            found.append(m)
    return found


def named_person(original: str, folded: str) -> bool:
    """One person named: an honorific, then a name with a capital letter."""
    for m in HONORIFIC.finditer(folded):
        if m.end() < len(original) and original[m.end()].isupper():
            if not re.search(r"\bcac\s*$", folded[: m.start()]):
                return True
    return False


WORDS = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
}
NUMBER = (
    r"(?P<num>\d{1,3}(?:\.\d{3})+|\d+"
    r"|(?:(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|muoi|muoi|tram|linh|le)"
    r"(?:\s+|$))+)"
)
COUNT_RE = re.compile(
    r"\b" + NUMBER + r"\s*(?P<luot>luot\s+)?"
    r"(?P<noun>" + COLLECTIVE + "|" + INDIVIDUAL + r")\b"
    r"(?P<both>\s*(?:,|va|/)\s*(?:" + INDIVIDUAL + r"))?"
)
GIVER_RE = re.compile(
    r"\b(?:(?:chu tich|pho chu tich|giam doc|bo truong|thu truong)\s+)?"
    r"(?:ubnd|uy ban nhan dan|hdnd|dang uy|mttq|uy ban mttq|ban chap hanh|bch"
    r"|ban chi huy quan su|bo [a-z]+(?: [a-z]+)?|thu tuong chinh phu"
    r"|chu tich nuoc|cong an (?:tinh|thi xa|phuong))"
    r"(?:\s+(?:phuong|thi xa|tinh|thanh pho|quan|huyen|xa|trung uong))?"
)


def number_value(words: str) -> int | None:
    words = words.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", words):
        return int(words.replace(".", ""))
    if words.isdigit():
        return int(words)
    total, current = 0, 0
    parts = words.split()
    for i, w in enumerate(parts):
        if w == "tram":
            current = (current or 1) * 100
            total, current = total + current, 0
        elif w in ("linh", "le"):
            continue
        elif w == "muoi":
            current = (current or 1) * 10
        elif w in WORDS:
            if w in ("tu", "lam") and (i == 0 or parts[i - 1] != "muoi"):
                if w == "tu":
                    return None
            current += WORDS[w]
        else:
            return None
    return total + current or None


@dataclass
class Tally:
    collectives: int = 0
    individuals: int = 0
    unsplit: int = 0  # "lượt tập thể, cá nhân": one total that cannot be split
    forms: list[str] = field(default_factory=list)
    givers: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)  # what was counted
    unsure: list[str] = field(default_factory=list)  # for the editor to check

    @property
    def total(self) -> int:
        return self.collectives + self.individuals + self.unsplit

    def __bool__(self):
        return bool(self.total)

    def add(self, other: "Tally") -> None:
        self.collectives += other.collectives
        self.individuals += other.individuals
        self.unsplit += other.unsplit
        for name in ("forms", "givers"):
            mine = getattr(self, name)
            mine += [x for x in getattr(other, name) if x not in mine]
        self.sentences += other.sentences
        self.unsure += other.unsure


_AWARD_WORD = re.compile(
    "|".join(sorted((*STRONG_VERBS, *FORMS), key=len, reverse=True)).encode()
)


def bare(text: str) -> bytes:
    """``text`` (NFC) in lower case, đ -> d, decomposed, and only its ASCII
    kept: each character that folds to an ASCII letter or a space gives
    exactly its folded form (a test checks all of Unicode), the others
    give their ASCII part or nothing.  Twice as fast as :func:`fold`, but
    not the same length."""
    lower = text.lower().replace("đ", "d")
    return unicodedata.normalize("NFD", lower).encode("ascii", "ignore")


def may_hold_award(text: str) -> bool:
    """False when ``text`` (NFC) holds no strong verb or form of award in
    any spelling, so parse_sentence would find nothing in it: whatever
    matches in the folded text matches in the bare one."""
    return _AWARD_WORD.search(bare(text)) is not None


_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZĐÀ-Ỹ0-9])")


def is_caption(line: str) -> bool:
    """A photo caption: a short line without closing punctuation."""
    line = line.strip()
    return len(line) < 200 and not re.search(r"[.!?…:;\"”)]\s*(\./\.)?$", line)


def sentences(text: str, having=None) -> list[str]:
    """Sentences of the paragraphs (one per line), captions left out; only
    those of paragraphs for which ``having(paragraph)`` is true, if given."""
    text = unicodedata.normalize("NFC", text)
    out = []
    for para in text.splitlines():
        para = para.strip()
        if para and not is_caption(para) and (having is None or having(para)):
            out += [s.strip() for s in _SENTENCE.split(para) if s.strip()]
    return out


def _is_collective(noun: str, folded: str, start: int) -> bool:
    return bool(re.fullmatch(COLLECTIVE, noun)) and not folded[:start].endswith(
        ("bep an ", "nha an ")
    )


def _givers(original: str, folded: str, verbs, form_spans) -> list[str]:
    """Givers named as the verb's subject, after "được", or as "của X" after a form."""
    found = []
    for m in GIVER_RE.finditer(folded):
        before = folded[max(0, m.start() - 6) : m.start()]
        subject = any(0 <= v.start() - m.end() <= 25 for v in verbs)
        passive = "duoc " in before
        of_form = before.endswith("cua ") and any(
            0 <= m.start() - e <= 70 for _, e in form_spans
        )
        if not (subject or passive or of_form):
            continue
        end = m.end()
        # the place name: following words written with a capital letter
        rest = re.match(r"(?:\s+[A-ZĐÀ-Ỹ][^\s,.;:]*){0,3}", original[end:])
        end += rest.end() if rest else 0
        text = original[m.start() : end].strip(" ,")
        if text and text not in found:
            found.append(text)
    return found


def parse_sentence(sentence: str) -> Tally:
    tally = Tally()
    original = unicodedata.normalize("NFC", sentence)
    folded = fold(original)
    if NOT_AN_AWARD.search(folded):
        return tally
    verbs = [
        m
        for m in _verbs(STRONG_VERB, original, folded)
        if not FIELD_OF_WORK.search(folded[max(0, m.start() - 20) : m.end()])
    ]
    form_matches = list(FORM_RE.finditer(folded))
    forms = [FORMS[m.group(1)] for m in form_matches]
    weak = _verbs(WEAK_VERB, original, folded) if forms else []
    if not verbs:
        verbs = weak
    if not verbs:
        return tally
    first, first_end = verbs[0].start(), verbs[0].end()
    if PROPOSAL.search(folded[:first]) or PROPOSAL.search(folded[first : first + 60]):
        return tally
    counted = False
    # Clauses: ";" separates lists of recipients under the same verb.
    offset = 0
    for clause in original.split(";"):
        f_clause = folded[offset : offset + len(clause)]
        c_start = offset
        offset += len(clause) + 1
        clause_counted = False
        for m in COUNT_RE.finditer(f_clause):
            if APPROXIMATE.search(f_clause[: m.start()]):
                tally.unsure.append(original)
                return Tally(unsure=[original])
            before_verb = c_start + m.start() < first
            if before_verb and ATTENDING.match(f_clause[m.end() :]):
                continue
            # passive: "01 tập thể ... được (nhận) Giấy khen"
            if before_verb and "duoc" not in folded[c_start + m.end() : first_end]:
                continue  # before the verb, not passive: not its recipients
            value = number_value(m.group("num"))
            if value is None:
                continue
            noun = m.group("noun")
            if m.group("both"):
                tally.unsplit += value
            elif _is_collective(noun, f_clause, m.start("noun")):
                tally.collectives += value
            elif re.fullmatch(INDIVIDUAL, noun):
                tally.individuals += value
            else:
                continue
            counted = clause_counted = True
        if (
            not clause_counted
            and FORM_RE.search(f_clause)
            and (STRONG_VERB.search(f_clause) or WEAK_VERB.search(f_clause))
        ):
            if named_person(clause, f_clause):
                tally.individuals += 1  # "trao Bằng khen cho đồng chí Nguyễn Văn A"
                counted = True
    if not counted:
        tally.unsure.append(original)
        return tally
    tally.forms = list(dict.fromkeys(forms))
    tally.givers = _givers(
        original, folded, verbs + weak, [m.span() for m in form_matches]
    )
    tally.sentences.append(original)
    return tally


def parse_awards(text: str, skip: set[str] | None = None) -> Tally:
    """The tally of every award sentence in ``text`` (plain text, paragraphs
    on their own lines).  A sentence repeated (a caption echoing the body)
    counts once; sentences in ``skip`` are ignored."""
    tally, seen = Tally(), set(skip or ())
    # Without a strong verb or a form of award parse_sentence finds no verb
    # and returns nothing: most paragraphs are passed over unfolded.
    for sentence in sentences(text, may_hold_award):
        folded = fold(sentence)  # sentences() gives NFC text
        key = folded.strip(" .")
        if key in seen:
            continue
        seen.add(key)
        if STRONG_VERB.search(folded) or FORM_RE.search(folded):
            tally.add(parse_sentence(sentence))
    return tally


METADATA_RE = re.compile(
    r"^\s*(?:(?P<c>\d+)\s*tap the)?\s*(?:,|va|;)?\s*(?:(?P<i>\d+)\s*ca nhan)?\s*$"
)


def parse_metadata(value: str) -> tuple[int, int] | None:
    """``Awards: 01 tập thể, 04 cá nhân`` -> (1, 4); None when unreadable."""
    folded = fold(unicodedata.normalize("NFC", str(value))).strip().rstrip(".")
    if folded in ("0", "khong", "khong co"):
        return 0, 0
    m = METADATA_RE.match(folded)
    if not m or (m.group("c") is None and m.group("i") is None):
        return None
    return int(m.group("c") or 0), int(m.group("i") or 0)
