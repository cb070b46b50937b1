"""Vietnamese text helpers: NFC, spelling-insensitive name keys, ASCII slugs.

Ward offices type the same name in several ways: NFC or NFD (decomposed)
Unicode, the old or the new tone placement ("Hoà" / "Hòa", "uỷ" / "ủy"),
different case and stray spaces.  ``name_key`` maps all of them to one key so
that they are one ward or one topic; ``fold`` also drops the marks (and turns
"đ" into "d") for matching text typed without diacritics.
"""

import difflib
import functools
import re
import unicodedata

from pelican.utils import slugify as pelican_slugify

_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")

# The two tone placements in use ("hoà"/"hòa", "uỷ"/"ủy") differ only in which
# vowel of an open "oa", "oe" or "uy" syllable carries the mark.  Putting the
# mark on the second vowel gives one canonical spelling for both.
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_PAIRS = re.compile(
    rf"([oO])([{_TONES}])([aAeE])(?![^\W\d_])|([uU])([{_TONES}])([yY])(?![^\W\d_])"
)


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the form every stored text must have."""
    return unicodedata.normalize("NFC", text)


def _move_tone(match: re.Match) -> str:
    first, tone, second = (g for g in match.groups() if g is not None)
    return first + second + tone


def canonical_tones(text: str) -> str:
    """Put the tone mark of open "oa", "oe", "uy" on the second vowel.

    "Hòa" and "Hoà", "Thủy" and "Thuỷ" come out the same; closed syllables
    such as "hoàn" have only one spelling and are left alone.
    """
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(_PAIRS.sub(_move_tone, decomposed))


def clean_spaces(text: str) -> str:
    """Collapse runs of whitespace and trim, after NFC."""
    return _SPACES.sub(" ", nfc(text)).strip()


@functools.lru_cache(maxsize=16384)
def name_key(text: str) -> str:
    """Key under which spelling variants of one name are equal.

    NFC/NFD, tone placement, case, spaces and the kind of dash are ignored;
    diacritics otherwise still count ("Nghi Hòa" is not "Nghi Hoa").
    """
    text = canonical_tones(clean_spaces(text)).casefold()
    return _DASHES.sub(" - ", text)


def fold(text: str) -> str:
    """Key without any diacritics, for text typed on a keyboard without them."""
    decomposed = unicodedata.normalize("NFD", name_key(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("đ", "d")


def slugify(text: str) -> str:
    """ASCII slug through Pelican's own slugify ("Đức Thuận" -> "duc-thuan")."""
    return pelican_slugify(
        nfc(text),
        regex_subs=[
            (r"[^\w\s-]", ""),
            (r"(?u)\A\s*", ""),
            (r"(?u)\s*\Z", ""),
            (r"[-\s]+", "-"),
        ],
    )


def closest(value: str, names: list[str], limit: int = 3) -> list[str]:
    """Registry names closest to a misspelt ``value``, best first."""
    keys = {fold(name): name for name in names}
    if fold(value) in keys:  # the same name typed without diacritics
        return [keys[fold(value)]]
    found = difflib.get_close_matches(fold(value), list(keys), n=limit, cutoff=0.6)
    return [keys[key] for key in found]


def capitalize_first(text: str) -> str:
    """Upper-case only the first letter ("phường Nghi Hòa" -> "Phường Nghi Hòa")."""
    return text[:1].upper() + text[1:]
