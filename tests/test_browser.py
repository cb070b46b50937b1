"""The public site in a real browser: Debian's chromium driven by Playwright.

Chromium comes from the system (``apt-get install chromium``; .ci/run does it),
never from a Playwright download. Under CI a missing browser fails the run;
elsewhere these tests skip and say how to install it. Screenshots at 390 and
1280 px are kept in test-artifacts/.
"""

import functools
import http.server
import threading

import pytest
from conftest import ROOT, build, need, real_content_with

AXE = ROOT / "tests/vendor/axe-core-4.14.1/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

EXTRA = {
    "tin-tuc/2024/duc-thuan.md": """Title: Phường Đức Thuận ra quân bảo đảm an toàn giao thông
Date: 2024-03-15
Ward: Đức Thuận
Topics: An toàn giao thông
Authors: Minh Tâm
Summary: Đoàn viên, thanh niên phường Đức Thuận ra quân tuyên truyền an toàn giao thông.

Sáng ngày 15/3/2024, Đoàn Thanh niên phường Đức Thuận tổ chức ra quân tuyên truyền an toàn giao thông trên các tuyến đường chính.
""",
    "tin-tuc/2024/nghi-hai.md": """Title: Nghi Hải tổ chức hội nghị văn hóa cơ sở
Date: 2024-02-20
Ward: Nghi Hải
Topics: Văn hóa – Thể thao
Summary: Hội nghị đánh giá phong trào xây dựng đời sống văn hóa ở khu dân cư.

Chiều ngày 20/02/2024, UBND phường Nghi Hải tổ chức hội nghị đánh giá phong trào toàn dân xây dựng đời sống văn hóa.
""",
}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    content = real_content_with(root, EXTRA)
    out = root / "out"
    # Two reports per Pagefind run: the browser searches a joined index.
    build(content, out, PHOTOS_CACHE=str(root / "cache"), SEARCH_SHARD_SIZE=2)
    handler = functools.partial(QuietHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", out
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = need("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def test_home_to_ward_to_article_and_back(server, page):
    base, _ = server
    page.goto(base + "/")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Phường"
    ).click()
    page.get_by_role("link", name="Phường Nghi Hòa").click()
    assert page.locator("h1").inner_text() == "Phường Nghi Hòa"
    page.get_by_role(
        "link", name="Nghi Hòa tổng kết công tác Quốc phòng – An ninh năm 2023"
    ).click()
    assert page.locator("h1").inner_text() == (
        "Nghi Hòa tổng kết công tác Quốc phòng – An ninh năm 2023"
    )
    assert page.locator(".award-box .award-count").inner_text().strip() == (
        "5 tập thể, 5 cá nhân"
    )
    page.go_back()
    assert page.url.endswith("/phuong/nghi-hoa/")
    assert page.locator("h1").inner_text() == "Phường Nghi Hòa"


def search(page, base, query):
    page.goto(base + "/tim-kiem/")
    box = page.locator("#search input")
    box.fill(query)
    page.wait_for_selector(".pagefind-ui__message")
    # The message is final once the search is done; each result then loads
    # its own fragment (a placeholder with .pagefind-ui__loading till then).
    page.wait_for_function(
        """() => !document.querySelector('.pagefind-ui__message')
                     .textContent.startsWith('Đang')
                 && !document.querySelector(
                     '.pagefind-ui__results .pagefind-ui__loading')"""
    )
    return sorted(page.locator(".pagefind-ui__result-link").all_inner_texts())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang uy", "Nghi Hòa tổng kết công tác Quốc phòng – An ninh năm 2023"),
        ("Đảng uỷ", "Nghi Hòa tổng kết công tác Quốc phòng – An ninh năm 2023"),
        ("duc thuan", "Phường Đức Thuận ra quân bảo đảm an toàn giao thông"),
        ("nghi hoa", "Nghi Hòa tổng kết công tác Quốc phòng – An ninh năm 2023"),
        ("quoc phong", "Bắc Hồng tổng kết công tác Quốc phòng – An ninh năm 2023"),
        ("van hoa", "Nghi Hải tổ chức hội nghị văn hóa cơ sở"),
    ],
)
def test_search_with_and_without_diacritics(server, page, query, expected):
    base, _ = server
    assert expected in search(page, base, query)


def test_search_ui_speaks_vietnamese(server, page):
    base, _ = server
    titles = search(page, base, "zzqxw")
    assert titles == []
    assert (
        "Không tìm thấy tin nào" in page.locator(".pagefind-ui__message").inner_text()
    )


PAGE_TYPES = {
    "home": "/",
    "article": "/tin-tuc/2024/01/bac-hong-tong-ket-cong-tac-quoc-phong-an-ninh-nam-2023/",
    "ward": "/phuong/nghi-hoa/",
    "wards": "/phuong/",
    "year": "/nam/2024/",
    "years": "/nam/",
    "topic": "/chu-de/quoc-phong-an-ninh/",
    "topics": "/chu-de/",
    "author": "/tac-gia/duy-quy/",
    "awards": "/khen-thuong/",
    "search": "/tim-kiem/",
    "about": "/gioi-thieu/",
    "404": "/404.html",
}


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_every_page_type_has_no_axe_violations(server, browser, name):
    base, _ = server
    ARTIFACTS.mkdir(exist_ok=True)
    # phones and desktops; the dark palette (prefers-color-scheme) on a phone
    for width, scheme in ((390, "light"), (1280, "light"), (390, "dark")):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme
        )
        page = context.new_page()
        page.goto(base + PAGE_TYPES[name])
        if name == "search":
            page.locator("#search input").fill("quoc phong")
            page.wait_for_selector(".pagefind-ui__result-link")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
        )
        suffix = "" if scheme == "light" else f"-{scheme}"
        page.screenshot(
            path=str(ARTIFACTS / f"{name}-{width}{suffix}.png"), full_page=True
        )
        context.close()
        violations = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
        ]
        assert violations == [], f"{name} at {width}px, {scheme}"
    assert (ARTIFACTS / f"{name}-390.png").stat().st_size > 1000
