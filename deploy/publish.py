"""``make publish``: build, check, then switch the published site in one step.

    SITEURL=https://tin.example.vn make publish

1. One publish at a time: a second one waits for the first (``OUTPUT.lock``).
2. What an interrupted publish left behind is repaired first, and said so.
3. Pelican builds with publishconf.py into a new release folder,
   ``OUTPUT.releases/<time>.partial`` (strict: content errors stop it);
4. every internal link and asset of every page must resolve;
5. HTML and CSS are minified, CSS/JS get fingerprinted names, every text file
   gets ``.gz`` and ``.br`` beside it, and modification times are stamped so
   that a changed file never keeps its old one (docs/deploy.md, "Caching");
6. only then ``OUTPUT``, a symbolic link to the release being served, is
   switched to the new release by one rename, and the old release removed.

``OUTPUT`` is a whole site at every instant: a failure, a full disk or a
crash at any step leaves the previous release serving.  The files are
byte-for-byte reproducible from the same commit.
"""

import argparse
import errno
import fcntl
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from postprocess import (  # noqa: E402
    broken_links,
    fingerprint,
    minify,
    precompress,
    stamp_mtimes,
)

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
PARTIAL = ".partial"


class Refused(Exception):
    """A publish that stops; the message says why, in Vietnamese."""


class Site:
    """The published site: ``output`` (a link to a release), its releases
    folder and its lock file, all side by side."""

    def __init__(self, output: Path):
        self.output = output
        self.releases = output.with_name(output.name + ".releases")
        self.lock = output.with_name(output.name + ".lock")

    def current(self) -> Path | None:
        """The folder ``output`` serves now, or None when there is none."""
        if self.output.is_symlink():
            target = self.output.resolve()
            return target if target.is_dir() else None
        return self.output.resolve() if self.output.is_dir() else None

    def served(self) -> str:
        """What ``output`` serves, in words."""
        current = self.current()
        if current is None or not self.output.is_symlink():
            return str(self.output)
        return f"{self.output} → bản {current.name}"

    def point_to(self, release: Path) -> None:
        """Switch ``output`` to ``release`` with one rename of a link; a plain
        folder left by an older publish or ``make html`` is moved aside first
        (two renames, once: a crash between them is repaired next time)."""
        link = self.output.with_name(f".{self.output.name}.link-{os.getpid()}")
        link.unlink(missing_ok=True)
        os.symlink(os.path.relpath(release, self.output.parent), link)
        if self.output.is_dir() and not self.output.is_symlink():
            # named after its own time: older than the release replacing it
            aside = release_name(self.output.stat().st_mtime)
            self.output.rename(self.releases / aside)
            test_hook("between-renames")
        os.replace(link, self.output)


def release_name(when: float | None = None) -> str:
    """A release folder's name: its time, so that names sort by age."""
    moment = datetime.now(UTC) if when is None else datetime.fromtimestamp(when, UTC)
    return moment.strftime("%Y%m%dT%H%M%S.%fZ")


def test_hook(point: str) -> None:
    """Lets the tests crash (``PUBLISH_TEST_HOOK=crash:after-swap``) or fill
    the disk (``enospc:precompress``) at a named step."""
    action, _, where = os.environ.get("PUBLISH_TEST_HOOK", "").partition(":")
    if where == point and action == "crash":
        os.kill(os.getpid(), signal.SIGKILL)
    if where == point and action == "enospc":
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wait_for_lock(site: Site):
    """Hold the publish lock, waiting for a publish that holds it.  The
    kernel lets go of it when its holder ends, even by ``kill -9``."""
    handle = open(site.lock, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        say(f"Một lần đăng khác đang chạy (PID {holder}); chờ nó xong rồi đăng tiếp…")
        fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
    except OSError:  # a full disk: the lock holds without its note
        pass
    return handle


def recover(site: Site) -> list[str]:
    """Repair what an interrupted publish left; return what was done."""
    notes = []
    if site.current() is None:
        done = sorted(
            p
            for p in site.releases.glob("*")
            if p.is_dir() and not p.name.endswith(PARTIAL)
        )
        legacy = site.output.with_name(site.output.name + ".old")
        if done:
            site.point_to(done[-1])
            notes.append(
                f"{site.output} bị thiếu sau một lần đăng bị ngắt; "
                f"đã trả lại bản đăng trọn vẹn gần nhất ({done[-1].name})."
            )
        elif legacy.is_dir():
            if site.output.is_symlink():
                site.output.unlink()
            legacy.rename(site.output)
            notes.append(
                f"{site.output} bị thiếu sau một lần đăng bị ngắt; "
                f"đã trả lại bản cũ từ {legacy.name}."
            )
    current = site.current()
    left = [p for p in site.releases.glob("*") if p.resolve() != current]
    left += [
        p
        for p in (site.output.with_name(site.output.name + s) for s in (".new", ".old"))
        if p.exists()
    ]
    left += site.output.parent.glob(f".{site.output.name}.link-*")
    for path in left:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    if left:
        notes.append(f"đã xóa {len(left)} thư mục dở dang của lần đăng trước.")
    return notes


def read(settings: str) -> dict:
    """The publish settings, as Pelican reads them."""
    from pelican.settings import read_settings

    quiet = logging.getLogger("pelican.settings")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # its English warning about feeds and SITEURL
    try:
        return read_settings(settings)
    finally:
        quiet.setLevel(level)


def site_url(settings: dict) -> str:
    """The site's address from the publish settings; a publish without one
    would write an address that is not the site's into every link."""
    url = settings.get("SITEURL") or ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        shown = f" (đang là {url!r})" if url else ""
        raise Refused(
            f"chưa có SITEURL, địa chỉ của trang{shown}. Chạy "
            "SITEURL=https://ten-mien-cua-phuong.vn make publish, hoặc ghi địa chỉ "
            "một lần vào dòng SITEURL của publishconf.py (docs/deploy.md)."
        )
    return url.rstrip("/")


def base_time(content: Path) -> int:
    """The time new and changed files are stamped with: ``SOURCE_DATE_EPOCH``
    if set, else the last commit's time, else the newest content file's."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    git = subprocess.run(
        ["git", "log", "-1", "--format=%ct"],
        cwd=content,
        capture_output=True,
        text=True,
    )
    if git.returncode == 0 and git.stdout.strip():
        return int(git.stdout)
    times = [p.stat().st_mtime for p in content.rglob("*") if p.is_file()]
    return int(max(times, default=time.time()))


def run_pelican(args, staging: Path) -> None:
    """Pelican's build.  Its output is shown when it ends, except on a full
    disk, where its traceback would only hide the one thing to do.  It goes
    through a file, not a pipe: a process Pelican leaves behind could hold a
    pipe open and this would wait for it."""
    say("Đang dựng trang…")
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        build = subprocess.run(
            [args.pelican, args.content, "-o", str(staging), "-s", args.settings],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.seek(0)
        said = log.read()
    if build.returncode != 0:
        text = " ".join(said.split())
        full = shutil.disk_usage(staging.parent).free < 2**20
        if full or "No space left on device" in text or "[Errno 28]" in text:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    sys.stdout.write(said)
    sys.stdout.flush()
    if build.returncode != 0 or not (staging / "index.html").is_file():
        raise Refused("dựng trang thất bại (xem lỗi ở trên)")


def build_release(args, site: Site, staging: Path, url: str, cache: Path | None) -> str:
    """Build and finish a release in ``staging``; return the summary line."""
    run_pelican(args, staging)
    broken = broken_links(staging, url)
    if broken:
        for page, link in broken[:50]:
            say(f"  {page}: liên kết hỏng {link}")
        raise Refused(f"{len(broken)} liên kết hoặc tệp không tồn tại")
    before = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file())
    saved = minify(staging)
    renames = fingerprint(staging)
    test_hook("precompress")
    files, raw, gz = precompress(staging, cache)
    changed = stamp_mtimes(staging, site.current(), base_time(Path(args.content)))
    return (
        f"minify bớt {saved / 1024:.0f} KiB ({saved / max(before, 1):.1%}); "
        f"{len(renames)} tệp CSS/JS có dấu vân tay; {files} tệp văn bản nén sẵn, "
        f"gzip {raw / 1024:.0f} KiB -> {gz / 1024:.0f} KiB; "
        f"{changed} tệp mới hoặc đổi so với bản trước."
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content")
    ap.add_argument("output")
    ap.add_argument("--settings", default=str(HERE.parent / "publishconf.py"))
    ap.add_argument("--pelican", default="pelican")
    ap.add_argument(
        "--no-cache",
        action="store_true",
        help="compress every file again instead of reusing CACHE_PATH/precompressed",
    )
    args = ap.parse_args(argv)
    # not resolved: ``output`` is a link, and the link is what gets switched
    site = Site(Path(os.path.abspath(args.output)))
    staging = None
    try:
        settings = read(args.settings)
        url = site_url(settings)
        # Pelican's CACHE_PATH, as the build and the photos' cache use it
        cache = Path(settings.get("CACHE_PATH") or "cache").resolve() / "precompressed"
        site.output.parent.mkdir(parents=True, exist_ok=True)
        lock = wait_for_lock(site)  # noqa: F841  (held until the process ends)
        for note in recover(site):
            say(f"Khôi phục: {note}")
        site.releases.mkdir(exist_ok=True)
        staging = site.releases / (release_name() + PARTIAL)
        summary = build_release(
            args, site, staging, url, None if args.no_cache else cache
        )
        test_hook("before-swap")
        release = staging.with_name(staging.name.removesuffix(PARTIAL))
        staging.rename(release)
        staging = release
        site.point_to(release)
        staging = None  # served now: never removed on the way out
        test_hook("after-swap")
        for old in site.releases.glob("*"):
            if old.resolve() != release.resolve():
                shutil.rmtree(old, ignore_errors=True)
    except Refused as refused:
        return fail(str(refused), site, staging)
    except OSError as error:
        if error.errno not in NO_SPACE:
            raise
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        free = shutil.disk_usage(site.output.parent).free
        return fail(
            f"hết dung lượng đĩa ở {site.output.parent} (còn {free / 2**20:.1f} MiB "
            "trống sau khi xóa thư mục tạm). Xóa bớt tệp hoặc thêm chỗ rồi đăng lại.",
            site,
            staging,
        )
    print(f"Đã đăng vào {site.output} (bản {release.name}): {summary}")
    return 0


def fail(message: str, site: Site, staging: Path | None) -> int:
    say(f"KHÔNG ĐĂNG: {message}")
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    if site.current() is None:
        say(f"Chưa có trang nào ở {site.output}: không có gì để giữ.")
    else:
        say(f"Trang đang chạy ({site.served()}) được giữ nguyên.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
