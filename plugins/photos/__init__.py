"""Photos with captions: figures, responsive renditions, thumbnails.

The HTML transform is :mod:`photos.transform` (pure); files and Pillow are
:mod:`photos.images`.  This module connects them to Pelican:

- ``content_object_init``: each article's and page's body is transformed
  (cached by body, so dev rebuilds redo only edited reports); the first
  photo, or the ``Cover`` metadata, becomes ``thumbnail`` and
  ``share_image``; missing or unreadable photos and photos without any
  caption are reported with the file and the path;
- the generator makes the renditions (on every core, only those not in the
  cache folder) before any page is written, then links (or copies) them
  into the output under the same folders as the originals;
- original photos are never published (``images`` is not a static path):
  only renditions, without EXIF/GPS.
"""

import hashlib
import multiprocessing
import os

from pelican import signals
from pelican.contents import Article, Page
from pelican.generators import Generator
from portal.problems import Problem, report

from . import images
from .transform import Photo, has_photos, transform

DEFAULTS = {"PHOTOS_CACHE": None, "PHOTOS_WORKERS": None}
_TRANSFORMED: dict[str, tuple] = {}  # (body digest, content dir) -> result
_PROBED: dict = {}  # file stamp -> Photo
_USED: dict[str, dict] = {}  # content dir -> {source: Photo}


def _content_dir(settings) -> str:
    return os.path.abspath(settings["PATH"])


def _editor_path(settings, instance) -> str:
    folder = os.path.basename(os.path.normpath(settings["PATH"]))
    return f"{folder}/{instance.relative_source_path}"


def _lookup(content_dir):
    def lookup(src: str) -> Photo:
        return images.plan(images.source_path(src), content_dir, _PROBED)

    return lookup


def _thumbnail(photo: Photo, alt: str) -> dict | None:
    if photo is None or photo.error or not photo.renditions:
        return None
    jpegs, webps = photo.by_format("jpeg"), photo.by_format("webp")
    small = jpegs[0]
    return {
        "src": small.path,
        "width": small.width,
        "height": small.height,
        "srcset": ", ".join(f"{r.path} {r.width}w" for r in jpegs[:2]),
        "webp_srcset": ", ".join(f"{r.path} {r.width}w" for r in webps[:2]),
        "alt": alt,
    }


def _share(photo: Photo) -> str | None:
    if photo is None or photo.error:
        return None
    jpegs = photo.by_format("jpeg")
    fitting = [r for r in jpegs if r.width <= 1200]
    return (fitting or jpegs)[-1].path


def _stamps(content_dir: str, result) -> tuple:
    """The photo files a transformed body depends on, with their stamps."""
    stamps = []
    for photo in result.photos + result.missing:
        try:
            st = os.stat(os.path.join(content_dir, photo.source))
            stamps.append((photo.source, st.st_mtime_ns, st.st_size))
        except OSError:
            stamps.append((photo.source, None, None))
    return tuple(stamps)


def process(instance):
    """Transform one article's or page's photos; set its thumbnail."""
    if not isinstance(instance, (Article, Page)):
        return
    settings = instance.settings
    content_dir = _content_dir(settings)
    body = instance._content or ""
    base = settings.get("SITEURL", "").rstrip("/")
    if not has_photos(body):  # nothing to rewrite: not worth hashing and caching
        result = transform(body, _lookup(content_dir), base)
    else:
        key = hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=16)
        key = (key.hexdigest(), content_dir, base)
        cached = _TRANSFORMED.get(key)
        if cached is None or cached[1] != _stamps(content_dir, cached[0]):
            result = transform(body, _lookup(content_dir), base)
            _TRANSFORMED[key] = cached = (result, _stamps(content_dir, result))
        result = cached[0]
    instance._content = result.html
    instance.photo_problems = [(p.source, p.error) for p in result.missing] + [
        (src, None) for src in result.uncaptioned
    ]
    used = _USED.setdefault(content_dir, {})
    for photo in result.photos:
        used[photo.source] = photo
    cover = instance.metadata.get("cover")
    first = result.photos[0] if result.photos else None
    if cover:
        first = _lookup(content_dir)(str(cover))
        if first.error:
            instance.photo_problems.append((first.source, first.error))
            first = None
        else:
            used[first.source] = first
    alt = instance.title if cover else ""
    if first is not None and not cover:
        alt = _first_alt(result.html) or instance.title
    instance.thumbnail = _thumbnail(first, alt)
    instance.share_image = _share(first)


def _first_alt(body: str) -> str:
    import html
    import re

    m = re.search(r'<img\b[^>]*\balt="([^"]*)"', body)
    return html.unescape(m.group(1)) if m else ""


def report_problems(generator):
    """Report each article's photo problems (every build, cached or not)."""
    settings, context = generator.settings, generator.context
    for item in generator.articles + generator.drafts:
        for source, error in getattr(item, "photo_problems", ()):
            path = _editor_path(settings, item)
            if error:
                report(
                    context,
                    Problem(
                        path,
                        "ảnh",
                        f"{source}: {error}",
                        "kiểm tra tên tệp và thư mục images/, hoặc chép lại ảnh",
                    ),
                )
            else:
                report(
                    context,
                    Problem(
                        path,
                        "ảnh",
                        f"{source}: ảnh không có chú thích",
                        "viết chú thích trong ![...] hoặc trên dòng ngay dưới ảnh",
                        error=False,
                    ),
                )


def _render_one(args):
    """(source, renditions made, error, digest of the photo's bytes, and the
    stamp the file had before it was read for it: None when known)."""
    path, photo, cache_dir, digest = args
    stamp = None
    try:
        if digest is None:
            stamp = images.file_stamp(path)  # first: a change while reading shows
            digest = images.file_digest(path)
        made = images.render(path, photo, cache_dir, digest)
        return photo.source, made, None, digest, stamp
    except Exception as e:  # corrupt beyond its header: reported by the caller
        return photo.source, 0, str(e), digest, stamp


class PhotosGenerator(Generator):
    """Makes the renditions before any page is written; registers their URLs."""

    def generate_context(self):
        content_dir = _content_dir(self.settings)
        used = _USED.get(content_dir, {})
        cache_dir = self.settings.get("PHOTOS_CACHE") or os.path.join(
            self.settings.get("CACHE_PATH", "cache"), "photos"
        )
        self.cache_dir = os.path.abspath(cache_dir)
        digests = images.Digests(self.cache_dir)
        jobs = []
        for src, photo in sorted(used.items()):
            path = os.path.join(content_dir, src)
            jobs.append((path, photo, self.cache_dir, digests.known(src, path)))
        workers = self.settings.get("PHOTOS_WORKERS") or os.cpu_count() or 1
        if len(jobs) > 1 and workers > 1:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(min(workers, len(jobs))) as pool:
                results = pool.map(_render_one, jobs, chunksize=1)
            images.ENCODED["count"] += sum(made for _, made, *_ in results)
        else:
            results = [_render_one(job) for job in jobs]
        failed = {src: err for src, _, err, _, _ in results if err}
        digest_of = {src: digest for src, _, _, digest, _ in results}
        for src, _, _, digest, stamp in results:
            if stamp is not None and digest is not None:
                digests.record(src, stamp, digest)
        digests.save()
        for src, err in failed.items():
            report(
                self.context,
                Problem(
                    f"{os.path.basename(content_dir)}/{src}",
                    "ảnh",
                    f"không xử lý được ảnh: {err}",
                    "chép lại ảnh từ máy chụp",
                ),
            )
        self.photos = [
            (photo, digest_of[photo.source])
            for _, photo, _, _ in jobs
            if photo.source not in failed
        ]

    def generate_output(self, writer):
        for photo, digest in self.photos:
            images.publish(photo, digest, self.cache_dir, self.output_path)


def get_generators(pelican):
    return PhotosGenerator


def register():
    signals.content_object_init.connect(process)
    signals.article_generator_pretaxonomy.connect(report_problems)
    signals.get_generators.connect(get_generators)
