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
# From a word's start only: "\w*đ\w*" alone tries again inside every word.
_D_WORD = re.compile(r"\b\w*đ\w*")


def d_words(*texts: str) -> str:
    """The distinct words with đ/Đ in ``texts`` (HTML allowed), đ->d, sorted."""
    words = set()
    for text in texts:
        plain = html.unescape(_TAGS.sub(" ", text or "")).lower()
        if "đ" in plain:  # the regex only on the (few) tokens with đ in them
            for token in plain.split():
                if "đ" in token:
                    words.update(_D_WORD.findall(token))
    return " ".join(sorted({w.replace("đ", "d") for w in words}))
