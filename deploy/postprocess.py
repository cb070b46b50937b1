"""What a published site gets after Pelican: checks, minifying, fingerprints,
precompressed copies.  Each step is a function over an output folder; the
publish script chains them on a temporary folder before swapping it in.
"""

import filecmp
import gzip
import hashlib
import os
import re
import shutil
import time
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import brotli
import minify_html

TEXT_SUFFIXES = (".html", ".css", ".js", ".xml", ".json", ".csv", ".svg", ".txt")
# The compressors and their settings: a cached copy is used only under the
# same name, so a new zlib or Brotli starts a new folder.
CODECS = f"gzip9-zlib{zlib.ZLIB_RUNTIME_VERSION}-brotli11-{brotli.__version__}"
CACHE_DAYS = 7  # a cached copy no publish has used for this long is removed
FINGERPRINTED = (".css", ".js")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if not value:
                continue
            if name in ("href", "src") and not (
                tag == "link" and dict(attrs).get("rel") == "canonical"
            ):
                self.links.append(value)
            elif name == "srcset":
                self.links += [
                    part.split()[0] for part in value.split(",") if part.strip()
                ]


def internal_target(root: Path, page: Path, link: str, site_url: str) -> Path | None:
    """The file an internal link points to, or None for external links."""
    if site_url and link.startswith(site_url):
        link = link[len(site_url) :] or "/"
    parts = urlsplit(link)
    if (
        parts.scheme
        or parts.netloc
        or link.startswith(("#", "mailto:", "tel:", "data:"))
    ):
        return None
    path = unquote(parts.path)
    if not path:
        return None
    target = root / path.lstrip("/") if path.startswith("/") else page.parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(root: Path, site_url: str = "") -> list[tuple[str, str]]:
    """(page, link) for every internal link or asset that does not resolve."""
    broken = []
    for page in sorted(root.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            target = internal_target(root, page, link, site_url)
            if target is not None and not target.resolve().is_file():
                broken.append((str(page.relative_to(root)), link))
    return broken


def minify(root: Path) -> int:
    """Minify HTML and CSS in place; return bytes saved."""
    saved = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            out = minify_html.minify(
                text,
                minify_css=True,
                keep_closing_tags=True,
                keep_html_and_head_opening_tags=True,
                keep_comments=False,
            )
        else:
            out = minify_html.minify(f"<style>{text}</style>", minify_css=True)
            out = out.removeprefix("<style>").removesuffix("</style>")
        saved += len(text.encode()) - len(out.encode())
        path.write_text(out, encoding="utf-8")
    return saved


def fingerprint(root: Path, folder: str = "theme") -> dict[str, str]:
    """Rename CSS/JS under ``folder`` to name.<hash>.ext; rewrite references."""
    renames = {}
    for path in sorted((root / folder).rglob("*")):
        if path.suffix in FINGERPRINTED and path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            new = path.with_name(f"{path.stem}.{digest}{path.suffix}")
            path.rename(new)
            renames[path.relative_to(root).as_posix()] = new.relative_to(
                root
            ).as_posix()
    if renames:
        pattern = re.compile(
            "|".join(re.escape(k) for k in sorted(renames, key=len, reverse=True))
        )
        for page in root.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            new_text = pattern.sub(lambda m: renames[m.group(0)], text)
            if new_text != text:
                page.write_text(new_text, encoding="utf-8")
    return renames


def compress(data: bytes) -> tuple[bytes, bytes]:
    """(gzip, Brotli) of ``data``, both at their smallest."""
    # mtime=0 and no file name: the same input gives the same bytes
    gz = gzip.compress(data, compresslevel=9, mtime=0)
    return gz, brotli.compress(data, quality=11)


def compressed(data: bytes, cache: Path | None) -> tuple[bytes, bytes]:
    """``compress(data)``, taken from ``cache`` when an earlier publish made
    it (Brotli 11 takes seconds on the CMS's 5.6 MiB of JS), else made and
    kept there.  Named by the content's SHA-256 and checked before use (a
    damaged copy is made again), so the bytes are the same as without it."""
    if cache is None:
        return compress(data)
    key = hashlib.sha256(data).hexdigest()
    folder = cache / CODECS / key[:2]
    kept = (folder / f"{key}.gz", folder / f"{key}.br")
    try:
        gz, br = (path.read_bytes() for path in kept)
        if gzip.decompress(gz) == data and brotli.decompress(br) == data:
            for path in kept:
                os.utime(path)  # used: kept another CACHE_DAYS
            return gz, br
    except (OSError, EOFError, zlib.error, brotli.error):
        pass
    made = compress(data)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path, body in zip(kept, made, strict=True):
            scratch = path.with_name(f".{path.name}.{os.getpid()}")
            scratch.write_bytes(body)
            os.replace(scratch, path)  # whole or absent, for a publish beside
    except OSError:  # the cache only saves time; the publish goes on without
        pass
    return made


def prune(cache: Path) -> None:
    """Remove copies no publish has used for ``CACHE_DAYS`` days, and those
    of other compressor versions."""
    if not cache.is_dir():
        return
    cutoff = time.time() - CACHE_DAYS * 86400
    for folder in cache.iterdir():
        if folder.name != CODECS:
            shutil.rmtree(folder, ignore_errors=True)
    for path in (cache / CODECS).rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # gone already, or used by a publish beside
            pass


def precompress(root: Path, cache: Path | None = None) -> tuple[int, int, int]:
    """Write .gz and .br beside every text file; (files, bytes, gzip bytes).
    ``cache``: a folder kept between publishes (:func:`compressed`)."""
    count = raw = gz_total = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        gz, br = compressed(data, cache)
        path.with_name(path.name + ".gz").write_bytes(gz)
        path.with_name(path.name + ".br").write_bytes(br)
        count, raw, gz_total = count + 1, raw + len(data), gz_total + len(gz)
    if cache is not None:
        prune(cache)
    return count, raw, gz_total


def stamp_mtimes(root: Path, previous: Path | None, base: int) -> int:
    """Give every file a modification time that moves whenever its bytes do.

    nginx builds ``ETag`` and ``Last-Modified`` from a file's mtime and size,
    so a changed file must never keep its mtime.  A file identical to the one
    in ``previous`` (the site being replaced) keeps that file's mtime, so its
    validators stay good; a changed file gets ``base`` or one second past its
    previous mtime, whichever is later; a new file gets ``base`` (the time of
    the last commit: two fresh publishes of a commit stamp the same times).
    Returns how many files are new or changed.
    """
    changed = 0
    for path in sorted(root.rglob("*")):
        stamp = base
        if path.is_file() and not path.is_symlink():
            old = previous / path.relative_to(root) if previous else None
            if old is None or not old.is_file():
                changed += 1
            else:
                before = int(old.stat().st_mtime)
                if filecmp.cmp(old, path, shallow=False):
                    stamp = before
                else:
                    stamp = max(base, before + 1)
                    changed += 1
        os.utime(path, (stamp, stamp), follow_symlinks=False)
    os.utime(root, (base, base))
    return changed
