"""Photos in a report's HTML become figures with captions (pure: no I/O).

Input is the sanitized HTML that Markdown made of what editors write:

- ``![Toàn cảnh Hội nghị](images/2024/a.jpg)`` alone on its line:
  ``<p><img alt=... src=...></p>``;
- the same followed directly by a caption line:
  ``<p><img ...>\\nToàn cảnh Hội nghị</p>``;
- or followed, after a blank line, by a short line without closing
  punctuation (how reports arrive): ``<p><img ...></p>\\n<p>Caption</p>``.

Each becomes ``<figure>`` with a ``<picture>`` (WebP and JPEG renditions,
``srcset``/``sizes``, width/height) and a ``<figcaption>``; an optional
credit ("Ảnh: Duy Quý") is kept apart in the caption; figures in a row make a
gallery; an image inside a sentence stays inline (only its address changes).
Image facts come from a ``lookup(src)`` function, so this module is pure.
"""

import html
import re
from dataclasses import dataclass, field

SIZES = "(min-width: 48rem) 42rem, 100vw"
GALLERY_SIZES = "(min-width: 48rem) 21rem, 50vw"

_IMG = re.compile(r"<img\b[^>]*>")
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
_PHOTO_P = re.compile(
    r"<p>(?P<img><img\b[^>]*>)(?P<rest>(?:(?!<img\b|</p>)[\s\S])*)</p>"
    r"(?P<next>\s*<p>(?P<cap>(?:(?!<p>|</p>|<img\b)[\s\S]){1,300})</p>)?"
)
_TAGS = re.compile(r"<[^>]+>")
_CLOSING = re.compile(r"[.!?…:;]\s*(\./\.)?\s*$")
_CREDIT = re.compile(
    r"^(?P<cap>.*?)[\s,.\-–—]*[(\[]?\s*(?P<credit>(?:Ảnh|Ảnh|Anh|ẢNH)\s*:\s*[^)\]]+?)"
    r"\s*[)\]]?\s*$",
    re.S,
)
_FIGURES_IN_A_ROW = re.compile(
    r"(?:<figure class=\"photo\b(?:(?!<figure\b)[\s\S])*?</figure>\s*){2,}"
)


@dataclass
class Rendition:
    path: str  # site-relative, e.g. "images/2024/a-800w.webp"
    width: int
    height: int
    format: str  # "webp" or "jpeg"


@dataclass
class Photo:
    """What ``lookup`` knows of one source image."""

    source: str  # content-relative, e.g. "images/2024/a.jpg"
    width: int = 0
    height: int = 0
    renditions: list[Rendition] = field(default_factory=list)
    error: str = ""  # why it cannot be shown ("" when fine)

    def by_format(self, fmt: str) -> list[Rendition]:
        return [r for r in self.renditions if r.format == fmt]

    def fallback(self, width: int = 800) -> Rendition | None:
        jpegs = self.by_format("jpeg")
        fitting = [r for r in jpegs if r.width <= width]
        return (fitting or jpegs or [None])[-1] if jpegs else None


@dataclass
class Result:
    html: str
    photos: list[Photo] = field(default_factory=list)  # in order, shown ones
    missing: list[Photo] = field(default_factory=list)
    uncaptioned: list[str] = field(default_factory=list)  # sources


def attributes(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub("", fragment)).split())


def is_caption(fragment: str) -> bool:
    """A caption line: short text without closing punctuation."""
    text = text_of(fragment)
    return 0 < len(text) <= 200 and not _CLOSING.search(text)


def split_credit(caption: str) -> tuple[str, str]:
    m = _CREDIT.match(caption)
    if not m:
        return caption, ""
    return m.group("cap").strip(), " ".join(m.group("credit").split())


def _srcset(renditions: list[Rendition], base: str) -> str:
    return ", ".join(f"{base}/{r.path} {r.width}w" for r in renditions)


def figure_html(
    photo: Photo, alt: str, caption: str, credit: str, first: bool, base: str = ""
) -> str:
    """``base``: the site's address ("" gives root-relative addresses)."""
    esc = html.escape
    cap = ""
    if caption or credit:
        parts = [esc(caption)] if caption else []
        if credit:
            parts.append(f'<span class="credit">{esc(credit)}</span>')
        cap = f"<figcaption>{' '.join(parts)}</figcaption>"
    if photo.error:
        label = esc(f"Không hiển thị được ảnh {photo.source}: {photo.error}")
        return (
            f'<figure class="photo photo-missing"><div class="missing" role="img" '
            f'aria-label="{label}">{label}</div>{cap}</figure>'
        )
    fallback = photo.fallback()
    largest = photo.by_format("jpeg")[-1]
    loading = 'fetchpriority="high"' if first else 'loading="lazy"'
    webp = photo.by_format("webp")
    source = (
        f'<source type="image/webp" srcset="{_srcset(webp, base)}" sizes="{SIZES}">'
        if webp
        else ""
    )
    jpeg_set = _srcset(photo.by_format("jpeg"), base)
    img = (
        f'<img src="{base}/{fallback.path}" srcset="{jpeg_set}" '
        f'sizes="{SIZES}" width="{largest.width}" height="{largest.height}" '
        f'alt="{esc(alt)}" {loading} decoding="async">'
    )
    return f'<figure class="photo"><picture>{source}{img}</picture>{cap}</figure>'


def has_photos(body: str) -> bool:
    """Whether :func:`transform` has anything to do: every pattern it
    rewrites holds an ``<img`` or a photo figure (text-only reports have
    neither, and cost nothing)."""
    return "<img" in body or '<figure class="photo' in body


def transform(body: str, lookup, base: str = "") -> Result:
    """Figures for photo paragraphs, inline images re-addressed; see module doc.

    ``base`` is the site's address that renditions are under ("" in dev
    builds: root-relative addresses, as ``make devserver`` serves them).
    """
    result = Result(html=body)
    if not has_photos(body):
        return result
    state = {"first": True}

    def photo_paragraph(m: re.Match) -> str:
        rest, caption_html = m.group("rest"), None
        consumed_next = False
        if rest.strip():
            if not rest.startswith("\n"):
                return m.group(0)  # text right after the image: inline use
            caption_html = rest
        elif m.group("next") and is_caption(m.group("cap")):
            caption_html, consumed_next = m.group("cap"), True
        attrs = attributes(m.group("img"))
        photo = lookup(attrs.get("src", ""))
        alt = attrs.get("alt", "").strip()
        caption = text_of(caption_html) if caption_html else ""
        caption, credit = split_credit(caption)
        if not caption and credit:
            caption = alt
        if not caption and not alt:
            result.uncaptioned.append(photo.source)
        alt = alt or caption
        if photo.error:
            result.missing.append(photo)
        else:
            result.photos.append(photo)
        out = figure_html(photo, alt, caption or alt, credit, state["first"], base)
        state["first"] = state["first"] and bool(photo.error)
        if m.group("next") and not consumed_next:
            out += m.group("next")
        return out

    text = _PHOTO_P.sub(photo_paragraph, body)

    def inline(m: re.Match) -> str:
        attrs = attributes(m.group(0))
        if "src" not in attrs:
            return m.group(0)
        photo = lookup(attrs["src"])
        if photo.error:
            result.missing.append(photo)
            return m.group(0)
        fallback = photo.fallback()
        result.photos.append(photo)
        tag = m.group(0).replace(
            f'src="{html.escape(attrs["src"])}"', f'src="{base}/{fallback.path}"', 1
        )
        return tag

    # inline images (those not already inside a figure)
    parts = re.split(r"(<figure\b[\s\S]*?</figure>)", text)
    text = "".join(p if p.startswith("<figure") else _IMG.sub(inline, p) for p in parts)
    text = _FIGURES_IN_A_ROW.sub(
        lambda g: (
            '<div class="gallery">'
            + g.group(0).strip().replace(f'sizes="{SIZES}"', f'sizes="{GALLERY_SIZES}"')
            + "</div>\n"
        ),
        text,
    )
    result.html = text
    return result
