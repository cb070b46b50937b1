"""Publishing: reproducible, atomic, checked; served by nginx; synced to S3."""

import filecmp
import gzip
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import brotli
import pytest
from conftest import CONTENT, ROOT, need, real_content_with

sys.path.insert(0, str(ROOT / "deploy"))
import local_nginx
from local_nginx import free_port
from test_browser import search

PELICAN = str(Path(sys.executable).parent / "pelican")
SITEURL = "https://tin.example.vn"


def publish(content: Path, output: Path, siteurl: str = SITEURL, *options, **environ):
    """deploy/publish.py as ``make publish`` runs it, with ``options``;
    ``environ`` adds to (or, with None, removes from) the environment."""
    env = dict(os.environ, SITEURL=siteurl, **environ)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy/publish.py"),
            str(content),
            str(output),
            "--pelican",
            PELICAN,
            *options,
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
    # the first took its compressed copies from cache/precompressed (made or
    # kept); this one makes every one again: the same bytes
    assert publish(CONTENT, second, SITEURL, "--no-cache").returncode == 0
    files = tree(first)
    assert files == tree(second) and len(files) > 50
    _, mismatch, errors = filecmp.cmpfiles(first, second, files, shallow=False)
    assert mismatch == [] and errors == []
    # two fresh publishes of a commit stamp the same times: same validators
    assert [(first / f).stat().st_mtime for f in files] == [
        (second / f).stat().st_mtime for f in files
    ]


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
    assert f"Trang đang chạy ({out}) được giữ nguyên." in result.stderr
    assert not out.with_name("output.new").exists()
    assert list(out.with_name("output.releases").iterdir()) == []


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
    assert "Chưa có trang nào" in result.stderr and "giữ nguyên" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_precompress_cache_gives_the_same_bytes(tmp_path):
    from postprocess import CODECS, precompress

    site = tmp_path / "site"
    site.mkdir()
    texts = {"a.html": "<p>Tin phường Nghi Hòa</p>\n" * 300, "b.js": "let a = 1;\n"}
    for name, text in texts.items():
        (site / name).write_text(text, encoding="utf-8")
    cache = tmp_path / "cache"

    def run(name: str, cache: Path | None) -> dict[str, bytes]:
        folder = tmp_path / name
        shutil.copytree(site, folder)
        assert precompress(folder, cache)[0] == 2
        return {f: (folder / f).read_bytes() for f in tree(folder)}

    plain = run("plain", None)
    assert len(plain) == 6
    assert run("made", cache) == plain == run("kept", cache)
    kept = sorted((cache / CODECS).rglob("*.br"))
    assert len(kept) == 2
    # what is in the cache is what is written: a copy made another way...
    data = texts["a.html"].encode()
    copy = next(p for p in kept if brotli.decompress(p.read_bytes()) == data)
    copy.write_bytes(brotli.compress(data, quality=1))
    assert run("other", cache)["a.html.br"] == copy.read_bytes()
    # ...but a damaged one is made again
    copy.write_bytes(b"hong")
    assert run("damaged", cache) == plain
    assert copy.read_bytes() == plain["a.html.br"]


def test_stamp_mtimes_moves_only_what_changed(tmp_path):
    from postprocess import stamp_mtimes

    old, new = tmp_path / "old", tmp_path / "new"
    for folder, texts in ((old, ("a", "b")), (new, ("a", "c", "new"))):
        folder.mkdir()
        for name, text in zip(("same", "changed", "added"), texts, strict=False):
            (folder / name).write_text(text)
    os.utime(old / "same", (5000, 5000))
    os.utime(old / "changed", (9000, 9000))
    assert stamp_mtimes(new, old, base=7000) == 2
    times = {p.name: p.stat().st_mtime for p in new.iterdir()}
    # kept; one past the old time (later than the base); the base
    assert times == {"same": 5000, "changed": 9001, "added": 7000}


# --- nginx ---------------------------------------------------------------


@contextmanager
def nginx_serving(out: Path, prefix: Path, port: int, tls_port: int | None = None):
    need("nginx")
    if not local_nginx.BROTLI.exists():
        need(local_nginx.BROTLI.name, "libnginx-mod-http-brotli-static")
    with local_nginx.serve(out, prefix, port, tls_port) as base:
        yield base


@pytest.fixture(scope="module")
def nginx(published, tmp_path_factory):
    out, _ = published
    prefix = tmp_path_factory.mktemp("nginx")
    tls_port = free_port()
    with nginx_serving(out, prefix, free_port(), tls_port) as base:
        yield base, out, f"https://127.0.0.1:{tls_port}"


def ask(base: str, path: str, **headers) -> http.client.HTTPResponse:
    """One request, sent as written (no redirects followed, no path cleaned)."""
    host = base.split("//")[1]
    if base.startswith("https"):
        context = ssl.create_default_context()
        context.check_hostname = False  # the test's own self-signed certificate
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(host, timeout=5, context=context)
    else:
        connection = http.client.HTTPConnection(host, timeout=5)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    return response


def get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_nginx_serves_every_page_with_security_headers(nginx):
    base, out, _ = nginx
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
    base, out, _ = nginx
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


SECURITY = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
    "Cache-Control",
)


def test_security_headers_on_a_200_301_400_and_404(nginx):
    base, _, https = nginx
    answers = {
        200: ask(base, "/"),
        301: ask(base, "/gioi-thieu"),
        400: ask(base, "/../../etc/passwd"),
        404: ask(base, "/khong-co-trang-nay/"),
    }
    for status, response in answers.items():
        assert response.status == status
        for header in SECURITY:
            assert response.getheader(header), (status, header)
        assert "frame-ancestors 'none'" in response.getheader("Content-Security-Policy")
        assert response.getheader("Strict-Transport-Security") is None  # http
    # a folder without its slash: a relative redirect, right behind any proxy
    assert answers[301].getheader("Location") == "/gioi-thieu/"
    # HSTS on https, on errors too
    for path in ("/", "/khong-co-trang-nay/"):
        hsts = ask(https, path).getheader("Strict-Transport-Security")
        assert hsts.startswith("max-age=31536000")


def test_precompressed_files_are_sent_with_vary(nginx):
    base, out, _ = nginx
    page = "/gioi-thieu/index.html"
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = ask(base, page, **{"Accept-Encoding": coding})
        assert response.getheader("Content-Encoding") == coding
        assert response.getheader("Vary") == "Accept-Encoding"
        assert decode(response.body) == (out / page[1:]).read_bytes()
    plain = ask(base, page)
    assert plain.getheader("Content-Encoding") is None
    assert plain.getheader("Vary") == "Accept-Encoding"
    assert plain.body == (out / page[1:]).read_bytes()


IMMUTABLE = "public, max-age=31536000, immutable"


def expected_cache(path: str) -> str:
    """The cache class a file should get, written out independently of
    nginx.conf and s3_upload.py (docs/deploy.md, "Caching")."""
    name = path.rsplit("/", 1)[-1]
    if re.search(r"\.[0-9a-f]{10}\.(css|js)$", name) or (
        path.startswith("pagefind/") and ".pf_" in name
    ):
        return IMMUTABLE
    if name.rsplit(".", 1)[-1] in ("webp", "jpg", "jpeg", "png", "svg", "avif"):
        return "public, max-age=86400"
    if path.startswith("admin/"):  # the CMS: its config follows the registry
        return "no-cache"
    return "public, max-age=300, must-revalidate"


def test_every_file_gets_its_cache_class(nginx):
    base, out, _ = nginx
    files = [f for f in tree(out) if not f.endswith((".gz", ".br"))]
    # the search's entry points: the list of bundles, and in each bundle the
    # files that keep their names while their bytes change
    bundles = json.loads((out / "pagefind/bundles.json").read_bytes())["bundles"]
    entries = ["pagefind/bundles.json"]
    for bundle in bundles:
        entries += [
            f"pagefind/{bundle}/{name}"
            for name in ("pagefind.js", "pagefind-entry.json", "pagefind-worker.js")
        ]
        wasm = [f for f in files if re.match(f"pagefind/{bundle}/wasm\\.", f)]
        assert wasm, bundle
        entries += wasm
    assert bundles and set(entries) <= set(files) and "admin/index.html" in files
    for path in entries:
        assert expected_cache(path) == "public, max-age=300, must-revalidate"
    classes = {}
    for path in files:
        response = ask(base, "/" + path)
        assert response.status == 200, path
        assert response.getheader("Cache-Control") == expected_cache(path), path
        classes.setdefault(expected_cache(path), []).append(path)
    assert len(classes) == 4 and all(len(v) >= 2 for v in classes.values())
    assert any(f.endswith(".pf_meta") for f in classes[IMMUTABLE])
    # the same classes in the S3 upload
    sys.path.insert(0, str(ROOT / "deploy"))
    import s3_upload

    assert all(s3_upload.cache_class(f)[0] == expected_cache(f) for f in files)


def test_a_changed_page_is_never_answered_304(tmp_path):
    """A report edited without changing its length, published from the same
    commit: nginx must answer 200 with the new page to both validators, and
    still 304 for a page that did not change."""
    content = real_content_with(tmp_path, {})
    report = next((content / "tin-tuc").rglob("bac-hong-*.md"))
    text = report.read_text(encoding="utf-8")
    out = tmp_path / "output"
    same_commit = {"SOURCE_DATE_EPOCH": "1700000000"}
    assert publish(content, out, **same_commit).returncode == 0
    page = next(
        p.relative_to(out).parent.as_posix()
        for p in out.glob("tin-tuc/*/*/*/index.html")
        if "ký giao ước thi đua" in p.read_text(encoding="utf-8")
        and "bac-hong" in p.parent.name
    )
    with nginx_serving(out, tmp_path / "nginx", free_port()) as base:
        before = {}
        for path in (f"/{page}/", "/gioi-thieu/"):
            for coding in ("identity", "gzip", "br"):
                answer = ask(base, path, **{"Accept-Encoding": coding})
                before[path, coding] = answer
        old_body = before[f"/{page}/", "identity"].body
        # one letter changed, same length: nginx's ETag is mtime + size
        last = text.rindex("ng")
        report.write_text(text[:last] + "nh" + text[last + 2 :], encoding="utf-8")
        result = publish(content, out, **same_commit)
        assert result.returncode == 0, result.stderr
        new_body = (out / page / "index.html").read_bytes()
        assert new_body != old_body and len(new_body) == len(old_body)
        for (path, coding), old in before.items():
            for validator, value in (
                ("If-None-Match", old.getheader("ETag")),
                ("If-Modified-Since", old.getheader("Last-Modified")),
            ):
                answer = ask(
                    base, path, **{"Accept-Encoding": coding, validator: value}
                )
                if path == "/gioi-thieu/":  # unchanged: the cache stays good
                    assert answer.status == 304, (path, coding, validator)
                else:
                    assert answer.status == 200, (path, coding, validator)
                    assert answer.body != old.body


def test_search_works_in_a_browser_under_the_sites_csp(browser, tmp_path):
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
