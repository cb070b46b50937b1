"""The office's pages in a real browser (Debian's chromium via Playwright):
axe on every new page type at 390 and 1280 px, light and dark; the first
headline above the fold; the footer at the bottom; readable award charts.

``OFFICE_SCREENSHOTS=docs`` also writes the editor's guide's screenshots
(docs/img/*.png); otherwise they go to test-artifacts/.
"""

import functools
import http.server
import os
import threading

import pytest
from conftest import ROOT, build
from office_fixtures import OFFICE, office_content

AXE = ROOT / "tests/vendor/axe-core-4.14.1/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
DOCS_IMG = ROOT / "docs/img"

PAGES = {
    "home": "/",
    "announcements": "/thong-bao/",
    "announcement": "/thong-bao/2024/lich-tiep-cong-dan-thang-12-vi-du/",
    "documents": "/van-ban/",
    "document": "/van-ban/2024/12-kh-ubnd/",
    "documents-by-type": "/van-ban/loai/quyet-dinh/",
    "contacts": "/lien-he/",
    "ward-contact": "/lien-he/nghi-hoa/",
    "awards": "/khen-thuong/",
    "article": "/tin-tuc/2024/01/bac-hong-tong-ket-cong-tac-quoc-phong-an-ninh-nam-2023/",
    "404": "/404.html",
}
# The guide shows these, on a phone.
GUIDE = ("home", "announcement", "documents", "document", "ward-contact", "awards")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("office-browser")
    out = root / "out"
    build(office_content(root), out, PHOTOS_CACHE=str(root / "cache"), **OFFICE)
    handler = functools.partial(QuietHandler, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def open_page(browser, url, width, height=900, scheme="light"):
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=scheme, locale="vi-VN"
    )
    page = context.new_page()
    page.goto(url)
    return context, page


@pytest.mark.parametrize("name", list(PAGES))
def test_new_page_types_have_no_axe_violations(server, browser, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (390, 1280):
        for scheme in ("light", "dark"):
            context, page = open_page(browser, server + PAGES[name], width, 844, scheme)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "async (tags) => await axe.run(document, "
                "{runOnly: {type: 'tag', values: tags}})",
                RULES,
            )
            shot = f"office-{name}-{width}-{scheme}.png"
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
            if os.environ.get("OFFICE_SCREENSHOTS") == "docs":
                if name in GUIDE and width == 390 and scheme == "light":
                    DOCS_IMG.mkdir(exist_ok=True)
                    page.screenshot(path=str(DOCS_IMG / f"{name}.png"), full_page=True)
            context.close()
            violations = [
                (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
            ]
            assert violations == [], f"{name} at {width}px, {scheme}"


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
def test_the_first_headline_is_above_the_fold_with_no_layout_shift(
    server, browser, width, height
):
    context, page = open_page(browser, server + "/", width, height)
    page.wait_for_load_state("load")
    box = page.locator(".lead-title").bounding_box()
    shift = page.evaluate(
        """() => new Promise(done => {
            let sum = 0;
            new PerformanceObserver(list => {
                for (const e of list.getEntries()) sum += e.value;
            }).observe({type: 'layout-shift', buffered: true});
            setTimeout(() => done(sum), 300);
        })"""
    )
    photo = page.locator(".lead-story img").bounding_box()
    context.close()
    assert box["y"] + box["height"] <= height, f"headline ends at {box} ({width}px)"
    assert abs(photo["width"] / photo["height"] - 16 / 9) < 0.02  # the 16:9 frame
    assert shift == 0


def test_the_footer_stays_at_the_bottom_of_a_short_page(server, browser):
    context, page = open_page(browser, server + "/thong-bao/", 1280, 1200)
    footer = page.locator(".site-footer").bounding_box()
    context.close()
    assert footer["y"] + footer["height"] == pytest.approx(1200, abs=1)


def test_award_charts_are_readable_on_a_phone(server, browser):
    context, page = open_page(browser, server + "/khen-thuong/", 390, 844)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.awards-year *')]
            .filter(e => [...e.childNodes].some(
                n => n.nodeType === 3 && n.textContent.trim()))
            .map(e => parseFloat(getComputedStyle(e).fontSize))"""
    )
    context.close()
    assert sizes and min(sizes) >= 12
