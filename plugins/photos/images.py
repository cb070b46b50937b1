"""Photo files: where they are, their size, and their renditions (Pillow).

Renditions are made once and kept in a cache folder keyed by the source
file's content (a digest) and the rendition's settings, so a rebuild with
unchanged photos decodes and encodes nothing, and neither does a build
from a fresh checkout (new file times) given the cache folder of an
earlier one (the deploy workflow keeps it); they are linked (or copied)
into the output only when missing or different there.  Digests are kept
by file stamp in the cache folder (:class:`Digests`): a photo is read for
its digest again only when its stamp changes.  Large phone photos are
decoded at a reduced scale (JPEG ``draft``), so an 8000x6000 photo never sits in memory
at full size several times.  EXIF orientation is applied and no metadata
(EXIF, GPS, XMP) is written into renditions.
"""

import hashlib
import json
import os
import re
import shutil
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .transform import Photo, Rendition

WIDTHS = (480, 800, 1200, 1600)
QUALITY = {"webp": 75, "jpeg": 82}
SUFFIX = {"webp": ".webp", "jpeg": ".jpg"}
# Decompression bombs: a photo over this many pixels is refused from its
# header, before it is decoded (Pillow itself only warns below twice this).
MAX_PIXELS = 80_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

ENCODED = {"count": 0}  # renditions encoded by this process (tests read it)


def source_path(src: str) -> str:
    """Content-relative path of what an editor wrote (``{static}/``, ``/``, bare)."""
    src = src.strip()
    for prefix in ("{static}/", "{attach}/", "{static}", "/"):
        if src.startswith(prefix):
            src = src[len(prefix) :]
            break
    return os.path.normpath(src).replace(os.sep, "/") if src else ""


def plan_widths(width: int) -> list[int]:
    """Rendition widths for a photo ``width`` wide: never upscaled."""
    smaller = [w for w in WIDTHS if w < min(width, WIDTHS[-1])]
    return [*smaller, min(width, WIDTHS[-1])]


def oriented_size(im: Image.Image) -> tuple[int, int]:
    orientation = im.getexif().get(0x0112, 1)
    w, h = im.size
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


@dataclass
class Probe:
    width: int
    height: int
    stamp: tuple


def probe(path: str) -> Probe:
    """Size after EXIF orientation, from the file header only."""
    st = os.stat(path)
    with warnings.catch_warnings():  # over MAX_PIXELS: refused by plan(), in words
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            w, h = im.size
            if w * h <= MAX_PIXELS:  # a bomb is refused on its header alone
                w, h = oriented_size(im)
    return Probe(w, h, (st.st_mtime_ns, st.st_size))


def outside(source: str, content_dir: str) -> str:
    """Why ``source`` (from :func:`source_path`) is not a photo of the
    content folder, or "".  Photos are files of the content folder only:
    an address on another site (``https://...``, ``//host/...``) is refused
    (the site's CSP would not show it, and its renditions cannot be made),
    and so is a path or a link leading out of the folder."""
    if _SCHEME.match(source) or (
        source.startswith("/") and "." in source.split("/")[1]
    ):
        return "ảnh ở trang web khác: tải ảnh về, chép vào thư mục images/"
    if os.path.isabs(source) or source == ".." or source.startswith("../"):
        return "đường dẫn ảnh ra ngoài thư mục nội dung: ảnh phải nằm trong images/"
    top = os.path.realpath(content_dir)
    real = os.path.realpath(os.path.join(top, source))
    if not real.startswith(top.rstrip(os.sep) + os.sep):
        return "ảnh là liên kết (symlink) ra ngoài thư mục nội dung: chép tệp thật vào"
    return ""


def plan(source: str, content_dir: str, cache: dict) -> Photo:
    """The renditions of ``source`` (content-relative), or why there are none."""
    if not source:
        return Photo(source=source, error="thiếu đường dẫn ảnh")
    refused = outside(source, content_dir)
    if refused:
        return Photo(source=source, error=refused)
    path = os.path.join(content_dir, source)
    try:
        st = os.stat(path)
    except OSError:
        return Photo(source=source, error="không tìm thấy tệp ảnh")
    key = (path, st.st_mtime_ns, st.st_size)
    if key in cache:
        return cache[key]
    try:
        info = probe(path)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        photo = Photo(source=source, error=f"tệp ảnh hỏng hoặc không đọc được ({e})")
        cache[key] = photo
        return photo
    except Image.DecompressionBombError:
        info = None
    if info is None or info.width * info.height > MAX_PIXELS:
        photo = Photo(
            source=source,
            error=f"ảnh quá lớn (trên {MAX_PIXELS // 1_000_000} triệu điểm ảnh): "
            "thu nhỏ ảnh trước khi chép vào",
        )
        cache[key] = photo
        return photo
    base, _ = os.path.splitext(source)
    renditions = []
    for fmt in ("webp", "jpeg"):
        for w in plan_widths(info.width):
            h = max(1, round(info.height * w / info.width))
            renditions.append(Rendition(f"{base}-{w}w{SUFFIX[fmt]}", w, h, fmt))
    photo = Photo(source, info.width, info.height, renditions)
    cache[key] = photo
    return photo


def file_stamp(path: str) -> list:
    """[modification time (ns), size]: what a kept digest is checked against."""
    st = os.stat(path)
    return [st.st_mtime_ns, st.st_size]


def file_digest(path: str) -> str:
    """The digest of a photo's bytes: what its renditions are keyed by."""
    with open(path, "rb") as f:
        digest = hashlib.file_digest(f, lambda: hashlib.blake2b(digest_size=16))
    return digest.hexdigest()


class Digests:
    """Photo digests by content-relative path and file stamp, kept in the
    cache folder between builds (``digests.json``)."""

    def __init__(self, cache_dir: str):
        self.path = os.path.join(cache_dir, "digests.json")
        try:
            with open(self.path, encoding="utf-8") as f:
                self._known = json.load(f)
        except (OSError, ValueError):
            self._known = {}
        self._changed = False

    def known(self, source: str, path: str) -> str | None:
        """The digest of ``path`` if its stamp is the one it was taken at."""
        entry = self._known.get(source)
        try:
            stamp = file_stamp(path)
        except OSError:
            return None
        if entry and entry[:2] == stamp:
            return entry[2]
        return None

    def record(self, source: str, stamp: list, digest: str) -> None:
        """``digest`` read from the file after its stamp was ``stamp``."""
        entry = [*stamp, digest]
        if self._known.get(source) != entry:
            self._known[source] = entry
            self._changed = True

    def save(self) -> None:
        """Keep them for the next build; remembering is an optimisation,
        never a reason for a build to fail."""
        if not self._changed:
            return
        tmp = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(self._known, f, ensure_ascii=False, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            return
        self._changed = False


def cache_name(digest: str, rendition: Rendition) -> str:
    key = f"{digest}\0{rendition.width}\0{rendition.format}\0{QUALITY}"
    name = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    return name + SUFFIX[rendition.format]


def render(path: str, photo: Photo, cache_dir: str, digest: str | None = None) -> int:
    """Make the missing cached renditions of one photo (its bytes' digest
    ``digest``, read from the file when not given); return how many."""
    digest = digest or file_digest(path)
    todo = [
        r
        for r in photo.renditions
        if not os.path.exists(os.path.join(cache_dir, cache_name(digest, r)))
    ]
    if not todo:
        return 0
    os.makedirs(cache_dir, exist_ok=True)
    biggest = max(r.width for r in todo)
    with Image.open(path) as im:
        w, _ = oriented_size(im)
        scale = biggest / w
        if im.format == "JPEG":  # decode at 1/2, 1/4 or 1/8 when that is enough
            target = (round(im.size[0] * scale), round(im.size[1] * scale))
            im.draft("RGB", target)
        im = ImageOps.exif_transpose(im)
        im = im.convert("RGB")
        done = 0
        for r in sorted(todo, key=lambda r: -r.width):  # shrink step by step
            if im.size != (r.width, r.height):
                im = im.resize((r.width, r.height), Image.Resampling.LANCZOS)
            target = os.path.join(cache_dir, cache_name(digest, r))
            # Two photos with the same bytes share their renditions and may
            # be encoded at once by two workers: each writes its own file.
            tmp = f"{target}.{os.getpid()}.tmp"
            options = {"quality": QUALITY[r.format]}
            if r.format == "jpeg":
                options.update(optimize=True, progressive=True)
            else:
                options.update(method=4)
            im.save(tmp, "WEBP" if r.format == "webp" else "JPEG", **options)
            os.replace(tmp, target)
            done += 1
    ENCODED["count"] += done
    return done


def publish(photo: Photo, digest: str, cache_dir: str, output_dir: str) -> None:
    """Put the cached renditions into the output where missing or different:
    hard links where the output is on the cache's file system (no bytes
    written: the renditions of 2,025 photos are 1.7 GB), copies elsewhere.
    Nothing writes into a rendition in the output: a different one
    replaces the file, never its content."""
    for r in photo.renditions:
        cached = os.path.join(cache_dir, cache_name(digest, r))
        target = os.path.join(output_dir, r.path)
        try:
            a, b = os.stat(target), os.stat(cached)
            if (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns):
                continue
        except OSError:
            pass
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.unlink(target)  # not written through: it may be a link
        except FileNotFoundError:
            pass
        try:
            os.link(cached, target)
        except OSError:  # another file system, or no links there
            shutil.copy2(cached, target)  # keeps the mtime: unchanged next time
