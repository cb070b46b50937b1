"""Search without diacritics, "đ" included (pure).

Pagefind folds most Vietnamese marks when it indexes and searches ("hoa"
finds "Hòa") but treats "đ" as a letter of its own, so "dang uy" would not
find "Đảng uỷ".  Each search record therefore also holds the words of its
text that contain đ/Đ written with d; the search page writes đ as d in
queries.
"""

import html
import re

_TAGS = re.compile(r"<[^>]+>")
# The words with đ in one token (several in "(Đảng-đoàn),").
_D_WORD = re.compile(r"\w*đ\w*")


def d_words(*texts: str) -> str:
    """The distinct words with đ/Đ in ``texts`` (HTML allowed), đ->d, sorted."""
    words = set()
    for text in texts:
        plain = html.unescape(_TAGS.sub(" ", text or "")).lower()
        # From each đ to the token around it (its spaces found by str.find,
        # not by splitting the whole text: 780 tokens a report, ~80 with đ,
        # ~35 of them distinct), each distinct token searched once.  Other
        # white space than " " may stay inside a token: \w ends a word there.
        seen = set()
        find, rfind = plain.find, plain.rfind
        at = find("đ")
        while at >= 0:
            end = find(" ", at)
            if end < 0:
                end = len(plain)
            token = plain[rfind(" ", 0, at) + 1 : end]
            if token not in seen:
                seen.add(token)
                words.update(_D_WORD.findall(token))
            at = find("đ", end)
    return " ".join(sorted({w.replace("đ", "d") for w in words}))
