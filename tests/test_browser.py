"""The public site in a real browser: Debian's chromium driven by Playwright.

Chromium comes from the system (``apt-get install chromium``; .ci/run does it),
never from a Playwright download. Under CI a missing browser fails the run;
elsewhere these tests skip and say how to install it. Screenshots at 390 and
1280 px are kept in test-artifacts/.
"""

import functools
import http.server
import re
import threading
import urllib.parse

import pytest
from conftest import ROOT, build, real_content_with
from search_fixture import (
    ANNOUNCEMENT_QUERY,
    DOCUMENT_TITLE,
    FIRST,
    FOUND,
    NO_MATCH,
    WARD_QUERY,
    write_fixture,
)

AXE = ROOT / "tests/vendor/axe-core-4.14.1/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
NGINX = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
# The public pages' policy: the default of deploy/nginx.conf's $csp map.
CSP = re.search(r'map \$uri \$csp \{\s*default "([^"]+)"', NGINX).group(1)

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
    build(content, out, PHOTOS_CACHE=str(root / "cache"))
    yield from serve(out)


def serve(folder):
    """``folder`` served on 127.0.0.1 at a free port: (base URL, folder)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", folder
    httpd.shutdown()


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


@pytest.fixture(scope="module")
def search_site(tmp_path_factory):
    """The search fixture (tests/search_fixture.py: 2023 and 2024, one
    Pagefind bundle each) built and served."""
    root = tmp_path_factory.mktemp("search")
    content = write_fixture(root / "content")
    build(content, root / "out", CACHE_PATH=str(root / "cache"))
    yield from serve(root / "out")


def search(page, base, query, check=None):
    """Search ``query`` on the search page (optionally ticking filter boxes
    ``check``); the results' headlines, in order."""
    page.goto(base + "/tim-kiem/?q=" + urllib.parse.quote(query))
    for name, value in check or ():
        page.wait_for_selector("#search-filters details")
        page.locator("#search-filters details").evaluate("box => { box.open = true; }")
        page.locator(f'input[name="{name}"][value="{value}"]').check()
    page.wait_for_function(
        """() => {
            const status = document.getElementById('search-status').textContent;
            return status && !status.startsWith('Đang')
              && [...document.querySelectorAll('.search-hit')]
                   .every((hit) => hit.querySelector('a'));
        }"""
    )
    return page.locator(".search-hit-title").all_inner_texts()


@pytest.mark.parametrize(("query", "first"), list(FIRST.items()))
def test_search_finds_vietnamese_typed_with_or_without_marks(
    search_site, page, query, first
):
    base, _ = search_site
    assert search(page, base, query)[0] == first


@pytest.mark.parametrize(("query", "titles"), list(FOUND.items()))
def test_search_finds_every_spelling(search_site, page, query, titles):
    base, _ = search_site
    assert set(search(page, base, query)) == titles


def test_a_wards_name_ranks_its_own_reports_first(search_site, page):
    base, _ = search_site
    query, own = WARD_QUERY
    titles = search(page, base, query)
    assert set(titles[: len(own)]) == own
    assert "Nam Hồng học tập kinh nghiệm dân vận khéo" in titles[len(own) :]


def test_a_query_with_no_real_match_says_so_with_a_hint(search_site, page):
    base, _ = search_site
    assert search(page, base, NO_MATCH) == []
    assert page.locator("#search-status").inner_text() == (
        f"Không tìm thấy tin nào cho “{NO_MATCH}”."
    )
    hint = page.locator("#search-hint")
    assert hint.is_visible()
    assert hint.get_by_role("link", name="Phường").is_visible()


def test_excerpts_are_the_reports_own_words(search_site, page):
    base, _ = search_site
    seen = 0
    for query in [*FIRST, "phuong"]:
        search(page, base, query)
        hits = page.locator(".search-hit")
        found = [
            (hit.locator("a").get_attribute("href"), hit.locator(".search-excerpt"))
            for hit in hits.all()
        ]
        excerpts = [(href, ex.inner_text()) for href, ex in found]
        for href, excerpt in excerpts:
            page_text = visible_text(page, base, href)
            for piece in excerpt.strip("… ").split(". "):
                assert piece.strip(". ") in page_text, (query, href, piece)
            seen += 1
    assert seen > 10


def visible_text(page, base, href):
    other = page.context.new_page()
    other.goto(urllib.parse.urljoin(base + "/tim-kiem/", href))
    text = " ".join(other.locator("main").inner_text().split())
    other.close()
    return text


def test_marks_in_the_query_mark_only_those_words(search_site, page):
    base, _ = search_site
    search(page, base, "khen thưởng")
    marked = page.locator(".search-excerpt mark").all_inner_texts()
    assert marked and {m.lower().strip(".,") for m in marked} <= {"khen", "thưởng"}


def test_the_search_page_speaks_vietnamese(search_site, page):
    base, _ = search_site
    search(page, base, "dang uy")
    assert page.locator("#search-status").inner_text().startswith("Tìm thấy ")
    assert page.locator("label[for=search-input]").inner_text() == "Từ cần tìm"
    page.locator("#search-filters summary").click()
    legends = page.locator("#search-filters legend").all_inner_texts()
    assert legends == ["Loại", "Phường", "Năm", "Chủ đề"]
    years = page.locator('#search-filters input[name="Năm"]')
    assert [y.get_attribute("value") for y in years.all()] == ["2024", "2023"]
    assert "2024 (6 tin)" in page.locator("#search-filters").inner_text()
    meta = page.locator(".search-hit .meta").first.inner_text()
    assert meta == "Phường Nghi Hòa · 05/03/2024"


def test_filters_across_years(search_site, page):
    base, _ = search_site
    both = search(page, base, "phuong", [("Năm", "2023"), ("Năm", "2024")])
    only_2023 = search(page, base, "phuong", [("Năm", "2023")])
    assert only_2023 and set(only_2023) < set(both)
    assert "Phường Đức Thuận đón đoàn công tác" in only_2023
    assert "Nghi Hải diễn tập phòng cháy chữa cháy" not in only_2023
    ward = search(page, base, "phuong", [("Phường", "Nghi Hải")])
    assert set(ward) == {
        "Nghi Hải tổng kết phong trào thi đua",
        "Nghi Hải diễn tập phòng cháy chữa cháy",
    }


@pytest.fixture(scope="module")
def office_search_site(tmp_path_factory):
    """The search fixture with its announcement and document, built and
    served."""
    root = tmp_path_factory.mktemp("search-office")
    content = write_fixture(root / "content", office=True)
    build(content, root / "out", CACHE_PATH=str(root / "cache"))
    yield from serve(root / "out")


def test_announcements_and_documents_are_found_and_filtered(office_search_site, page):
    base, _ = office_search_site
    query, title = ANNOUNCEMENT_QUERY
    assert search(page, base, query)[0] == title
    hit = page.locator(".search-hit").first
    assert hit.locator(".meta").inner_text() == "Thông báo · 05/08/2024"
    href = hit.locator("a").get_attribute("href")
    assert title in visible_text(page, base, href)
    # "phòng cháy": reports and the document; "Loại: Văn bản" keeps the document
    everything = search(page, base, "phong chay")
    assert DOCUMENT_TITLE in everything and len(everything) > 1
    assert search(page, base, "phong chay", [("Loại", "Văn bản")]) == [DOCUMENT_TITLE]
    meta = page.locator(".search-hit .meta").first.inner_text()
    assert meta == "Văn bản · Số 12/KH-UBND · 20/02/2024"
    legends = page.locator("#search-filters legend").all_inner_texts()
    assert legends == [
        "Loại",
        "Phường",
        "Năm",
        "Chủ đề",
        "Loại văn bản",
        "Cơ quan ban hành",
    ]
    kinds = page.locator('#search-filters input[name="Loại"]')
    assert [k.get_attribute("value") for k in kinds.all()] == [
        "Thông báo",
        "Tin tức",
        "Văn bản",
    ]
    reports = search(page, base, "phong chay", [("Loại", "Tin tức")])
    assert reports and DOCUMENT_TITLE not in reports
    assert set(reports) | {DOCUMENT_TITLE} == set(everything)


def test_search_asks_no_other_host_and_breaks_no_csp(search_site, browser):
    base, _ = search_site
    context = browser.new_context()
    page = context.new_page()
    hosts, problems = set(), []
    page.on("request", lambda r: hosts.add(urllib.parse.urlsplit(r.url).netloc))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # deploy/nginx.conf's policy, as a meta tag on the served page
    policy = CSP
    page.route(
        "**/tim-kiem/**",
        lambda route: route.fulfill(
            response=route.fetch(),
            headers={"content-security-policy": policy},
        ),
    )
    assert search(page, base, "dang uy")
    context.close()
    assert hosts == {urllib.parse.urlsplit(base).netloc}
    assert [p for p in problems if "favicon" not in p] == []


def test_without_javascript_the_search_page_leads_elsewhere(search_site, browser):
    base, _ = search_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/tim-kiem/")
    assert not page.locator("#search-input").is_visible()
    main = page.locator("main")
    assert "cần JavaScript" in main.inner_text()
    for name in ("Phường", "Năm", "Chủ đề"):
        assert main.get_by_role("link", name=name, exact=True).is_visible()
    context.close()


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
            page.locator("#search-input").fill("quoc phong")
            page.wait_for_selector(".search-hit-title a")
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
