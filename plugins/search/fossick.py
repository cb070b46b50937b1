"""A search record read as Pagefind 1.5 reads a page (pure).

Pagefind's indexer (``pagefind/src/fossick``) walks the HTML with one node
per element: text collects in the open element; a closing block element
(``p``, ``div``, ``li``...) gets a space before it and a full stop after it
unless it ends in punctuation; headings are wrapped in weight markers;
elements with an ``id`` leave an anchor marker; ``data-pagefind-body``
keeps only what is inside it; ``data-pagefind-filter``/``-meta`` attributes
give the filters and metadata.  The digest is then split on whitespace,
and each word is lower-cased, stripped of what is not a letter or digit,
indexed without its diacritics (the spelling with them kept as a variant)
and, when it holds punctuation or inner capitals, also as its parts.

This module does the same for the records :mod:`search.records` writes
(any well-formed HTML: nh3 serialises the bodies), so that the build can
write the index itself instead of running Pagefind's binary (~2.3 ms of
CPU a report).  ``tests/test_search_indexer.py`` indexes the same records
with Pagefind and with this module and compares every file they write.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import repeat
from urllib.parse import quote

# Pagefind's default --include-characters: kept inside words.
INCLUDE_CHARACTERS = "_‿⁀⁔︳︴﹍﹎﹏＿"

# Pagefind 1.5.2's: description lists joined the list later.
SENTENCE = frozenset("h1 h2 h3 h4 h5 h6 p td div ul li article section".split())
INLINE = frozenset(
    """a abbr acronym b bdo big br button cite code dfn em i img input kbd label
    map object output q samp script select small span strong sub sup textarea
    time tt var""".split()
)
REMOVE = frozenset(
    "head style script noscript label form svg footer nav iframe template".split()
)
# Elements without an end tag (lol_html gives them no end-tag handler).
VOID = frozenset(
    """area base basefont bgsound br col embed frame hr image img input keygen
    link meta param source track wbr""".split()
)
AUTO_WEIGHT = {"h1": "7", "h2": "6", "h3": "5", "h4": "4", "h5": "3", "h6": "2"}

_TOKEN = re.compile(
    r"<(?:!--.*?-->|![^>]*>|\?[^>]*>|(/?)([A-Za-z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>)",
    re.S,
)
_ATTRIBUTE = re.compile(
    r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?"""
)
_RAW_TEXT = frozenset({"script", "style", "title", "textarea"})
# Tags that need more than a node even without attributes.
_SPECIAL = REMOVE | VOID | _RAW_TEXT | {"html"}
# A sentence element that is not a heading, as the end tag that closes it
# when it holds text only: read as one piece (what its node would give).
_LEAF_CLOSE = {tag: f"</{tag}>" for tag in SENTENCE - set(AUTO_WEIGHT)}
_SENTENCE_CHAR = re.compile(r"[\w'\"\)\$\*]")
_ATTRIBUTE_PAIR = re.compile(r"^\s*(?P<name>[^:\[\]]+)\[(?P<attribute>.+)\]\s*$")
# Unicode's White_Space, what Rust's split_whitespace and regex \s know;
# Python's str.split() also splits on the separators U+001C-U+001F.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPLIT = re.compile(f"[{WHITE_SPACE}]+")
_ALL_SPACES = re.compile(f"[{WHITE_SPACE}]")
_NEWLINES = re.compile(r"(?:\n|\r\n)+")
_SPACES = re.compile(f"[{WHITE_SPACE}]{{2,}}")
_ASCII_SPACES = re.compile("[\t\n\x0b\x0c\r ]{2,}")
_PRIVATE = re.compile(r"___PAGEFIND_\S+\s?")

INDEXING, IGNORED, EXCLUDED, BODY, PARENT_OF_BODY = range(5)

# Pagefind stores a weight of w as round-down(w * 24), at most 10.
WEIGHT_MULTIPLIER = 24
WEIGHT_MAX = 10.0


# Characters this module does not read as Pagefind does: emoji (Pagefind
# indexes them through a list of its own; these ranges hold every code
# point with Unicode's Emoji property but the ASCII digits, # and *, which
# are emoji only with a keycap), the joiners and selectors that build
# emoji, private and unassigned code points, and combining marks that Rust
# counts as letters (the Vietnamese tone marks, U+0300-U+036F, are not
# among them).  Other symbols (°, €, ±, ×, •, ...) are read as Pagefind does.
_EMOJI = re.compile(
    "[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa"
    "\u231a\u231b\u2328\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab"
    "\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf\u2934\u2935\u2b05-\u2b07"
    "\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\u200d\u20e3\ufe00-\ufe0f\U0001f000-\U0001faff\U000e0000-\U000e007f]"
)
_EXOTIC_CATEGORIES = frozenset({"Cs", "Co", "Cn", "Mn", "Mc", "Me"})


# Characters never exotic: ASCII, the Latin letters and signs Vietnamese
# and its neighbours use (©, ® aside), the tone marks, general punctuation
# (‼, ⁉ and the joiners aside) and currency signs: most texts hold nothing
# else, and only what else they hold is looked at one by one.
_PLAIN_TEXT = re.compile(
    "[\x00-\x7f\u00a0-\u00a8\u00aa-\u00ad\u00af-\u024f\u0300-\u036f"
    "\u1e00-\u1eff\u2010-\u2027\u2030-\u203b\u203d-\u2048\u204a-\u205e"
    "\u20a0-\u20bf]+"
)


def exotic(text: str) -> bool:
    """Whether ``text`` holds a character Pagefind's binary must index."""
    rest = _PLAIN_TEXT.sub("", text)
    if not rest:
        return False
    if _EMOJI.search(rest):
        return True
    return any(unicodedata.category(c) in _EXOTIC_CATEGORIES for c in set(rest))


def normalize_content(text: str) -> str:
    """Pagefind's ``normalize_content``: entities decoded, trimmed, each
    run of newlines and of two or more spaces made one space."""
    if "&" in text:
        text = html.unescape(text)
    words = text.split()
    if len(text) - sum(map(len, words)) == text.count(" ") + text.count("\n"):
        # Only spaces and newlines (most text): each run of them, one space.
        return " ".join(words)
    text = text.strip(WHITE_SPACE)
    if "\n" in text:
        text = _NEWLINES.sub(" ", text)
    if text.isascii():
        return _ASCII_SPACES.sub(" ", text)
    return _SPACES.sub(" ", text)


def sentence(text: str) -> str:
    """A sentence element (``p``, ``li``...) holding ``text``, as its
    parent's text holds it: spaced, with a full stop unless it ends in
    punctuation."""
    value = " " + text
    if _SENTENCE_CHAR.match(value[-1]):
        value += "."
    return value + " "


class _Node:
    __slots__ = (
        "anchor_ids",
        "default_meta",
        "filter",
        "meta",
        "parent",
        "plain",
        "sort",
        "status",
        "value",
        "weight",
    )

    def __init__(self, parent=None, status=INDEXING):
        self.parent = parent
        self.status = status
        self.plain = False  # no attributes: no filter, metadata or weight
        self.value = ""
        self.filter = self.meta = self.default_meta = self.sort = None
        self.weight = self.anchor_ids = None

    def pair(self, spec: str):
        """(name, value) of a ``name:value`` or ``name`` attribute spec."""
        name, colon, value = spec.partition(":")
        if colon:
            return name, normalize_content(value)
        if not self.value:
            return None
        return spec, normalize_content(self.value)


def _parse_attr_string(spec: str, attributes: dict) -> list[str]:
    head, colon, literal = spec.partition(":")
    if colon:
        parts = _parse_attr_string(head, attributes)
        if parts:
            parts[-1] += ":" + literal
        return parts
    parts = []
    for chunk in spec.split(","):
        chunk = chunk.strip()
        found = _ATTRIBUTE_PAIR.match(chunk)
        if found:
            value = attributes.get(found["attribute"], "")
            parts.append(f"{found['name']}:{value}")
        else:
            parts.append(chunk)
    return parts


def _attributes(text: str) -> dict:
    found = {}
    for name, double, quoted, bare in _ATTRIBUTE.findall(text):
        name = name.lower()
        if name not in found:  # the first of repeated attributes counts
            found[name] = double or quoted or bare  # as written: lol_html's
    return found


@dataclass
class Parsed:
    digest: str  # text with markers, entities decoded (see _decoded)
    filters: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    anchor_content: dict = field(default_factory=dict)
    anchor_titles: dict = field(default_factory=dict)
    language: str = "unknown"
    has_custom_body: bool = False


def parse(document: str, meta: dict | None = None) -> Parsed:
    """Pagefind's ``DomParser`` over ``document`` (its digest with markers,
    filters, metadata, anchors and language); ``meta``: the metadata found
    before it, for a part of a page read on its own (the records'
    bodies: :func:`search.records.parsed`)."""
    root = _Node()
    current = root
    filters: dict[str, list] = {}
    meta = dict(meta) if meta else {}
    default_meta: dict[str, str] = {}
    sorts: dict[str, str] = {}
    anchor_content: dict[str, str] = {}
    anchor_titles: dict[str, str] = {}
    language = None
    anchors = 0
    stack: list[tuple[str, _Node]] = []  # open elements: (tag, node)

    def close_meta(node: _Node, tag: str) -> None:
        for spec in node.filter or ():
            found = node.pair(spec)
            if found:
                filters.setdefault(found[0], []).append(normalize_content(found[1]))
        for spec in node.sort or ():
            found = node.pair(spec)
            if found:
                sorts[found[0]] = found[1]
        for spec in node.meta or ():
            found = node.pair(spec)
            if found:
                meta[found[0]] = found[1]
        for spec in node.default_meta or ():
            found = node.pair(spec)
            if found:
                default_meta[found[0]] = found[1]

    def text(chunk: str) -> None:
        current.value += chunk
        if current.anchor_ids and current.status not in (IGNORED, EXCLUDED):
            for anchor in current.anchor_ids:
                anchor_content[anchor] = anchor_content.get(anchor, "") + chunk

    position = 0
    length = len(document)
    while position < length:
        found = _TOKEN.search(document, position)
        if found is None:
            text(document[position:])
            break
        if found.start() > position:
            text(document[position : found.start()])
        position = found.end()
        closing, tag, attribute_text = found.groups()
        if tag is None:  # a comment, doctype or processing instruction
            continue
        tag = tag.lower()
        if closing:
            if stack and stack[-1][0] == tag:  # well-formed: the last one
                node = stack[-1][1]
                if node.plain and node.status == INDEXING and tag not in AUTO_WEIGHT:
                    stack.pop()  # an element without attributes: only its text
                    current = node.parent
                    if current.status != PARENT_OF_BODY:
                        value = node.value
                        if tag in SENTENCE:
                            value = " " + value
                            if _SENTENCE_CHAR.match(value[-1]):
                                value += "."
                            value += " "
                        current.value += value
                    continue
            # Close up to the matching open element; an end tag with no
            # open element is ignored.
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == tag:
                    break
            else:
                continue
            while len(stack) > depth:
                open_tag, node = stack.pop()
                current = _end(node, open_tag, close_meta, meta)
            continue

        if not attribute_text and tag not in _SPECIAL:  # <p>, <strong>...: no checks
            if tag in _LEAF_CLOSE:  # <p>text</p> (most of a body): no node
                end = document.find("<", position)
                close = _LEAF_CLOSE[tag]
                if end >= 0 and document.startswith(close, end):
                    if current.status != EXCLUDED and current.status != PARENT_OF_BODY:
                        current.value += sentence(document[position:end])
                    position = end + len(close)
                    continue
            node = _Node(current, EXCLUDED if current.status == EXCLUDED else INDEXING)
            node.plain = True
            if current.anchor_ids and tag in INLINE:
                node.anchor_ids = list(current.anchor_ids)
            stack.append((tag, node))
            current = node
            continue
        attributes = _attributes(attribute_text)
        if tag == "html":
            if "lang" in attributes:
                language = attributes["lang"].lower()
        flag = attributes.get("data-pagefind-ignore")
        ignore = None
        if flag is not None:
            ignore = IGNORED if flag.lower() in ("", "index", "true") else EXCLUDED
        if "data-pagefind-body" in attributes:
            status = BODY
        elif ignore is not None:
            status = ignore
        else:
            status = INDEXING
        element_id = attributes.get("id")
        anchor_id = None
        if element_id is not None and status not in (EXCLUDED, IGNORED):
            element_id = _ALL_SPACES.sub("", element_id)
            if not (
                current.status == PARENT_OF_BODY
                and status not in (BODY, PARENT_OF_BODY)
            ):
                current.value += f" ___PAGEFIND_ANCHOR___{tag}:{anchors}:{element_id} "
                anchor_id = f"{anchors}:{element_id}"
                anchors += 1
        title = attributes.get("data-pagefind-title")
        if title is not None and anchor_id is not None:
            title = normalize_content(title)
            if title:
                anchor_titles[anchor_id] = title
        if status != EXCLUDED:
            index_attrs = attributes.get("data-pagefind-index-attrs")
            if index_attrs is not None:
                for name in index_attrs.split(","):
                    value = attributes.get(name.strip(), "")
                    if value and _SENTENCE_CHAR.match(value[-1]):
                        value += "."
                    current.value += f" {value} "
            if tag == "br":
                current.value += " "

        node = _Node(current, current.status if current.status == EXCLUDED else status)
        if current.anchor_ids and tag in INLINE:
            node.anchor_ids = list(current.anchor_ids)
        if anchor_id is not None:
            node.anchor_ids = (node.anchor_ids or []) + [anchor_id]
        for key, name in (
            ("data-pagefind-filter", "filter"),
            ("data-pagefind-meta", "meta"),
            ("data-pagefind-default-meta", "default_meta"),
            ("data-pagefind-sort", "sort"),
        ):
            if key in attributes:
                setattr(node, name, _parse_attr_string(attributes[key], attributes))
        node.weight = attributes.get("data-pagefind-weight")
        if tag in REMOVE and stack and stack[0][0] == "html":
            node.status = IGNORED  # Pagefind's "html head", "html nav"...
        if tag in VOID:
            if node.status != EXCLUDED:
                close_meta(node, tag)
                if (
                    tag == "img"
                    and "auto_image" not in meta
                    and ("auto_title" in meta or "title" in meta)
                    and "src" in attributes
                ):
                    meta["auto_image"] = attributes["src"]
                    if "alt" in attributes:
                        meta["auto_image_alt"] = attributes["alt"]
            continue
        stack.append((tag, node))
        current = node
        if tag in _RAW_TEXT:  # its text runs to its end tag, markup and all
            closed = re.compile(f"</{tag}", re.I).search(document, position)
            end = closed.start() if closed else length
            text(document[position:end])
            position = end

    while stack:  # unclosed elements: collapsed into their parents
        open_tag, node = stack.pop()
        current = _end(node, open_tag, close_meta, meta)

    image = meta.pop("auto_image", None)
    if image is not None:
        alt = meta.pop("auto_image_alt", "")
        if "image" not in meta:
            meta["image"] = image
            meta["image_alt"] = alt
    title = meta.pop("auto_title", None)
    if title is not None and "title" not in meta:
        meta["title"] = title
    title = meta.pop("auto_page_title", None)
    if title is not None and "title" not in meta:
        meta["title"] = title
    default_meta.update(meta)
    for values in filters.values():
        values[:] = [_PRIVATE.sub("", v) for v in values]
    for key, value in default_meta.items():
        default_meta[key] = _PRIVATE.sub("", value)
    return Parsed(
        digest=_decoded(root.value),
        filters=filters,
        meta=default_meta,
        anchor_content=anchor_content,
        anchor_titles=anchor_titles,
        language=language or "unknown",
        has_custom_body=root.status == PARENT_OF_BODY,
    )


def _decoded(text: str) -> str:
    """The digest as :func:`page_of` needs it: entities decoded.  Pagefind
    normalises it too (trims it, makes each run of white space one space),
    which changes nothing once it is split on white space, as it only is."""
    return html.unescape(text) if "&" in text else text


def _end(node: _Node, tag: str, close_meta, meta: dict) -> _Node:
    """An element's end: its filters and metadata, then its text handed to
    its parent (the new current element)."""
    parent = node.parent
    if node.status == EXCLUDED:
        return parent
    close_meta(node, tag)
    if tag == "h1" and "auto_title" not in meta and node.value.strip():
        meta["auto_title"] = normalize_content(node.value)
    if tag == "title" and "auto_page_title" not in meta:
        meta["auto_page_title"] = normalize_content(node.value)
    if node.status == IGNORED:
        return parent
    value = node.value
    if tag in SENTENCE:
        value = " " + value
        if value and _SENTENCE_CHAR.match(value[-1]):
            value += "."
        value += " "
    if node.weight is not None:
        value = (
            f" ___PAGEFIND_WEIGHT___{node.weight} {value} ___END_PAGEFIND_WEIGHT___ "
        )
    elif tag in AUTO_WEIGHT:
        value = (
            f" ___PAGEFIND_AUTO_WEIGHT___{AUTO_WEIGHT[tag]} {value}"
            " ___END_PAGEFIND_WEIGHT___ "
        )
    if parent.status == PARENT_OF_BODY and node.status not in (BODY, PARENT_OF_BODY):
        return parent
    if node.status == INDEXING:
        parent.value += value
    else:  # BODY or PARENT_OF_BODY
        if parent.status != PARENT_OF_BODY:
            parent.value = ""
        parent.value += value
        parent.status = PARENT_OF_BODY
    return parent


# --- words -----------------------------------------------------------------


def strip_marks(word: str) -> str | None:
    """``word`` without its diacritics (đ stays: it is a letter), or None
    when it has none: Pagefind's ``normalize_diacritics``."""
    if word.isascii():
        return None
    stripped = "".join(
        c
        for c in unicodedata.normalize("NFD", word)
        if unicodedata.category(c) not in ("Mn", "Mc", "Me")
    )
    return stripped if stripped != word else None


def _discrete_words(raw: str) -> str:
    """Pagefind 1.5.2's ``get_discrete_words``: ASCII punctuation as
    spaces, then ``convert_case``'s lower case with its word boundaries
    (lower-upper, acronyms, letters and digits)."""
    spaced = "".join(
        " " if c.isascii() and not c.isalnum() and c.isprintable() else c for c in raw
    )
    words = []
    for part in spaced.split():
        words.extend(_case_words(part))
    return " ".join(words)


_DIGITS = frozenset("0123456789")


def _case_words(part: str) -> list[str]:
    """convert_case's default boundaries inside one space-free part."""
    out, start = [], 0
    chars = part
    for i in range(1, len(chars)):
        a, b = chars[i - 1], chars[i]
        after = chars[i + 1] if i + 1 < len(chars) else ""
        a_digit, b_digit = a in _DIGITS, b in _DIGITS  # ASCII digits only
        if (
            (a.islower() and b.isupper())
            or (a.isupper() and b.isupper() and after.islower())
            or (a_digit and b.isupper())
            or (a.isupper() and b_digit)
            or (a_digit and b.islower())
            or (a.islower() and b_digit)
        ):
            out.append(chars[start:i])
            start = i
    out.append(chars[start:])
    return [w.lower() for w in out if w]  # str::to_lowercase: final sigma


def indexable(raw: str) -> tuple[tuple[str, str | None, bool], ...]:
    """(indexed word, spelling with marks or None, is a compound part) for
    each word Pagefind indexes for ``raw``: ``get_indexable_words``."""
    results = []
    if raw.isalnum() and raw.isascii():
        normalized = raw.lower()
    else:
        normalized = "".join(
            c.lower() if c.isupper() else c  # char by char: no final sigma
            for c in raw
            if c.isalnum() or c in INCLUDE_CHARACTERS
        )
    if normalized:
        plain = strip_marks(normalized)
        results.append((plain or normalized, normalized if plain else None, False))
    compound = not raw.isalnum() or any(c.isupper() for c in raw[1:])
    if not compound:
        return tuple(results)
    parts = _discrete_words(raw)
    if normalized and (" " in parts or not normalized.startswith(parts)):
        for part in parts.split():
            if len(part.encode()) > 1:  # Rust's len(): bytes
                plain = strip_marks(part)
                results.append((plain or part, part if plain else None, True))
    return tuple(results)


@dataclass
class Page:
    url: str
    content: str
    word_count: int
    filters: dict
    meta: dict
    anchors: list
    # The words, as ids of (word, spelling with marks or None) (key_id
    # below): (weight, first position, ids) of each run of
    # words between markers, an id below 0 where a word has no key of its
    # own; (id, weight, position) of the parts of compound words; and
    # (field name, position, id) of the metadata's words.
    runs: list
    parts: list
    meta_words: list
    language: str
    has_custom_body: bool

    @property
    def has_words(self) -> bool:
        """Whether Pagefind indexes the page: it drops pages without words."""
        if self.parts:
            return True
        return any(keys and max(keys) >= 0 for _, _, keys in self.runs)


def page_url(path: str) -> str:
    """Pagefind's URL for a file at ``path`` in the site."""
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path == "index.html":
        path = ""
    return "/" + quote(path, safe=_URL_SAFE)


# Printable ASCII but what Pagefind percent-encodes in paths.
_URL_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in '"#%<>?`{}')


def _scaled(text: str, auto: bool) -> int:
    try:
        weight = float(text)
    except ValueError:
        weight = 1.0
    if not auto and weight <= 0:
        return 0
    scaled = int(min(max(weight, 0.0), WEIGHT_MAX) * WEIGHT_MULTIPLIER)
    return scaled if auto else max(scaled, 1)


def _runs(digest: str, parsed: Parsed, anchors: list):
    """The words between Pagefind's markers: (weight, first position,
    words), anchors added to ``anchors`` as they are met."""
    weights = [WEIGHT_MULTIPLIER]
    index = 0
    pieces = _split_markers(digest)  # text, marker, text, marker, ..., text
    for number, piece in enumerate(pieces):
        if not number % 2:  # text between markers
            run = split(piece)
            if run:
                yield weights[-1] if weights else 1, index, run
                index += len(run)
            continue
        word = piece
        if word.startswith("___PAGEFIND_ANCHOR___"):
            rest = word.replace("___PAGEFIND_ANCHOR___", "")
            element, colon, anchor_id = rest.partition(":")
            if colon:
                text = normalize_content(parsed.anchor_content.get(anchor_id, ""))
                _, colon, element_id = anchor_id.partition(":")
                if colon:
                    anchor = {
                        "element": element,
                        "id": element_id,
                        "text": normalize_content(text),
                    }
                    title = parsed.anchor_titles.get(anchor_id)
                    if title is not None:
                        anchor["title"] = title
                    anchor["location"] = index
                    anchors.append(anchor)
        elif word.startswith("___PAGEFIND_WEIGHT___"):
            weights.append(_scaled(word.replace("___PAGEFIND_WEIGHT___", ""), False))
        elif word.startswith("___PAGEFIND_AUTO_WEIGHT___"):
            if len(weights) == 1:
                text = word.replace("___PAGEFIND_AUTO_WEIGHT___", "")
                weights.append(_scaled(text, True))
            else:
                weights.append(weights[-1])
        elif weights:  # ___END_PAGEFIND_WEIGHT___
            weights.pop()


# One of Pagefind's markers, to the end of its word.  A marker counts only
# as a whole word (after white space or at the start): checked by hand, as
# a look-behind would cost the search its literal prefix (8 times slower).
_MARKER = re.compile(
    f"___(?:PAGEFIND_ANCHOR|PAGEFIND_WEIGHT|PAGEFIND_AUTO_WEIGHT|"
    f"END_PAGEFIND_WEIGHT)___[^{WHITE_SPACE}]*"
)


def _split_markers(digest: str) -> list[str]:
    """``digest`` as [text, marker, text, ..., text]."""
    pieces, last = [], 0
    for found in _MARKER.finditer(digest):
        start = found.start()
        if start and digest[start - 1] not in WHITE_SPACE:
            continue  # inside a word: no other marker starts in it
        pieces += (digest[last:start], found.group())
        last = found.end()
    pieces.append(digest[last:])
    return pieces


def page_of(path: str, parsed: Parsed) -> Page:
    """The page Pagefind makes of the parsed file ``path``: its words."""
    digest = parsed.digest
    if "\u200b" in digest:  # zero-width spaces never reach the index
        digest = " ".join(
            w for w in (w.replace("\u200b", "") for w in split(digest)) if w
        )
    anchors: list = []
    content: list[str] = []
    runs, parts = [], []
    key_of = _KEY_OF.get
    count = 0
    for weight, start, run in _runs(digest, parsed, anchors):
        content += run
        count = start + len(run)
        keys = list(map(key_of, run, repeat(_UNKNOWN)))
        at = -1
        try:
            while True:  # words met for the first time, or compound words
                at = keys.index(_UNKNOWN, at + 1)
                keys[at] = _key_of(run[at], weight, start + at, parts)
        except ValueError:
            pass
        runs.append((weight, start, keys))
    meta_words = [
        (name, position, key_id(key))
        for name, value in sorted(parsed.meta.items())
        for position, word in enumerate(split(value))
        for key, _part in _hits(word)[0]
    ]
    return Page(
        url=page_url(path),
        content=" ".join(content),
        word_count=max(count, 1),
        filters=dict(sorted(parsed.filters.items())),
        meta=dict(sorted(parsed.meta.items())),
        anchors=anchors,
        runs=runs,
        parts=parts,
        meta_words=meta_words,
        language=parsed.language,
        has_custom_body=parsed.has_custom_body,
    )


_HITS: dict[str, tuple] = {}  # raw word -> _hits(raw word), for this process


def _hits(raw: str) -> tuple[tuple, int]:
    """((word, spelling), is a part) of each indexed word of ``raw``, and
    how many are parts of a compound; worked out once a word a process."""
    found = _HITS.get(raw)
    if found is None:
        if len(_HITS) > 1 << 18:
            _HITS.clear()
        words = indexable(raw)
        keys = tuple(((stemmed, original), part) for stemmed, original, part in words)
        found = _HITS[raw] = (keys, sum(1 for _, _, part in words if part))
    return found


_KEY_ID: dict[tuple, int] = {}  # (word, spelling with marks or None) -> id
KEYS: list[tuple] = []  # id -> (word, spelling with marks or None)


def key_id(key: tuple) -> int:
    """The number of a (word, spelling) in this process (search.wordindex
    sorts and encodes numbers)."""
    found = _KEY_ID.get(key)
    if found is None:
        found = _KEY_ID[key] = len(KEYS)
        KEYS.append(key)
    return found


_UNKNOWN, _NONE = -1, -2
# raw word -> the id of its one key (_NONE: it has none), when it has no parts
_KEY_OF: dict[str, int] = {}


def _key_of(raw: str, weight: int, position: int, parts: list) -> int:
    """The id of the key ``raw`` is indexed under at its place (_NONE if
    none), its compound parts added to ``parts`` at their lower weight
    (Pagefind divides the weight among them)."""
    keys, count = _hits(raw)
    if count:
        partial = max(weight // min(count, 255), 1) if weight else 0
    own = _NONE
    for key, part in keys:
        if part:
            parts.append((key_id(key), partial, position))
        else:
            own = key_id(key)
    if not count:
        if len(_KEY_OF) > 1 << 18:
            _KEY_OF.clear()
        _KEY_OF[raw] = own
    return own


def split(text: str) -> list[str]:
    """Rust's ``split_whitespace``."""
    if not ("\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text):
        return text.split()  # (faster than one search for the four)
    return [word for word in _SPLIT.split(text) if word]
