"""Dev-server rebuilds that skip unchanged work give exactly a fresh build."""

import gc
import os
import shutil
import subprocess
import sys
import weakref
from pathlib import Path
from xml.etree import ElementTree

import buildspeed
import buildspeed.__main__ as buildspeed_main
import pytest
from buildspeed import cards, parallel, rebuild
from buildspeed.parallel import Page, write_all
from buildspeed.rebuild import Ledger, public_data
from conftest import ROOT, build, real_content_with, settings_for, soup
from pelican import Pelican, signals
from pelican.contents import Content
from test_reader import assert_same_tree

REPORT = """Title: {title}
Date: 2024-0{month}-1{n} 08:00
Ward: {ward}
Topics: QP-AN
Authors: Minh Tâm
Summary: Tóm tắt bài {n}.

Đoạn đầu của bài {n}.

Đoạn cuối của bài {n}.
"""
WARDS = ["Nghi Hòa", "Nghi Hải", "Thu Thủy"]


def reports() -> dict[str, str]:
    return {
        f"b{n}.md": REPORT.format(
            title=f"Bài số {n}", month=n % 3 + 1, n=n, ward=WARDS[n % 3]
        )
        for n in range(7)
    }


def stamps(folder):
    return {
        str(p.relative_to(folder)): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def rewritten_pages(folder, before) -> list[str]:
    """The pages in ``folder`` written since ``stamps`` gave ``before``."""
    after = stamps(folder)
    return sorted(p for p in after if p.endswith(".html") and after[p] != before.get(p))


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


class Dev:
    """Two long-lived Pelicans, as `pelican -r` keeps one: with and without."""

    def __init__(self, content, tmp_path):
        self.content, self.tmp_path = content, tmp_path
        self.out, self.plain = tmp_path / "dev", tmp_path / "plain"
        self.pelicans = [
            Pelican(settings_for(content, self.out, DEFAULT_PAGINATION=2)),
            Pelican(
                settings_for(
                    content, self.plain, DEFAULT_PAGINATION=2, INCREMENTAL=False
                )
            ),
        ]
        self.run()

    def run(self):
        for pelican in self.pelicans:
            pelican.run()

    def check(self, name="fresh") -> int:
        """Same output as without the plugin, and as a fresh build where it has files.

        Pelican's dev server leaves pages of renamed reports in place, with
        or without this plugin; a fresh build has none (so its search index,
        which covers the pages in the folder, differs: not built there).
        """
        count = assert_same_tree(self.out, self.plain)
        fresh = self.tmp_path / name
        build(
            self.content,
            fresh,
            DEFAULT_PAGINATION=2,
            INCREMENTAL=False,
            SEARCH_INDEX=False,
        )
        for path in fresh.rglob("*"):
            if path.is_file():
                kept = self.out / path.relative_to(fresh)
                assert kept.read_bytes() == path.read_bytes(), path
        return count


@pytest.fixture
def dev(tmp_path, make_content):
    return Dev(make_content(reports()), tmp_path)


def test_body_edit_rewrites_only_that_report(dev, tmp_path):
    before = stamps(dev.out)
    edit(dev.content / "tin-tuc/b3.md", "Đoạn cuối của bài 3.", "Đoạn cuối đã sửa.")
    dev.run()
    after, rewritten = stamps(dev.out), rewritten_pages(dev.out, before)
    assert rewritten == ["tin-tuc/2024/01/bai-so-3/index.html"]
    assert "Đoạn cuối đã sửa." in (dev.out / rewritten[0]).read_text(encoding="utf-8")
    # feeds carry each report's body: those listing report 3 are rewritten
    feeds = {
        p: "bai-so-3" in (dev.out / p).read_text("utf-8")
        for p in after
        if p.endswith(".xml") and "sitemap" not in p
    }
    assert sorted(p for p in feeds if after[p] != before[p]) == sorted(
        p for p, has in feeds.items() if has
    )
    assert len(feeds) > sum(feeds.values()) > 0
    # no tally changed: the award data files were left alone too
    data = [p for p in after if p.endswith((".json", ".csv")) and "khen" in p]
    assert data and all(after[p] == before[p] for p in data)
    assert dev.check() >= 10


def test_an_award_added_by_an_edit_reaches_the_award_data(dev, tmp_path):
    edit(
        dev.content / "tin-tuc/b3.md",
        "Đoạn cuối của bài 3.",
        "UBND phường khen thưởng 02 tập thể, 05 cá nhân có thành tích xuất sắc.",
    )
    dev.run()
    assert dev.check() >= 10  # the JSON and CSV equal a fresh build's


@pytest.mark.parametrize(
    "change",
    [
        ("b5.md", "Title: Bài số 5", "Title: Bài số năm"),  # shown in listings
        ("b5.md", "Summary: Tóm tắt bài 5.", "Summary: Tóm tắt mới."),
        ("b5.md", "Ward: Thu Thủy", "Ward: Nghi Hòa"),  # moves between wards
        ("b5.md", "Authors: Minh Tâm", "Authors: Hồng Nhung"),
    ],
)
def test_listing_data_edit_matches_a_fresh_build(dev, tmp_path, change):
    name, old, new = change
    edit(dev.content / "tin-tuc" / name, old, new)
    dev.run()
    assert dev.check() >= 10


def test_a_new_report_taking_a_kept_address_renumbers_the_old_one(dev, tmp_path):
    """b3's address was kept from the first build; a new report of the same
    title and month, earlier in source order, takes it and b3 moves to -2."""
    (dev.content / "tin-tuc/a0.md").write_text(
        REPORT.format(title="Bài số 3", month=1, n=3, ward="Nghi Hải"),
        encoding="utf-8",
    )
    dev.run()
    assert (dev.out / "tin-tuc/2024/01/bai-so-3-2/index.html").exists()
    assert dev.check() >= 10


def test_renumbered_reports_keep_their_addresses_and_pages_on_a_rebuild(
    tmp_path, make_content
):
    """Reports whose slugs clash are renumbered on every build, after
    buildspeed has kept the addresses: a rebuild gives them the addresses
    of the first build, so an edit elsewhere rewrites only its own page
    (a different kept address changes every listing's key)."""
    files = reports()
    files["a0.md"] = REPORT.format(title="Bài số 3", month=1, n=3, ward="Nghi Hải")
    dev = Dev(make_content(files), tmp_path)
    assert (dev.out / "tin-tuc/2024/01/bai-so-3-2/index.html").exists()
    before = stamps(dev.out)
    edit(dev.content / "tin-tuc/b5.md", "Đoạn cuối của bài 5.", "Đoạn cuối đã sửa.")
    dev.run()
    assert rewritten_pages(dev.out, before) == ["tin-tuc/2024/03/bai-so-5/index.html"]
    assert dev.check() >= 10


def test_new_report_and_registry_edit_match_a_fresh_build(dev, tmp_path):
    (dev.content / "tin-tuc/b9.md").write_text(
        REPORT.format(title="Bài mới", month=4, n=9, ward="Nghi Hải"), encoding="utf-8"
    )
    dev.run()
    assert dev.check() >= 10
    edit(
        dev.content / "data/registry.toml",
        'full_name = "phường Nghi Hải"',
        'full_name = "phường Nghi Hải mới"',
    )
    dev.run()
    page = dev.out / "tin-tuc/2024/02/bai-so-1/index.html"
    assert "Nghi Hải mới" in page.read_text(encoding="utf-8")
    assert dev.check("again") >= 10


def test_a_one_shot_build_is_unaffected(tmp_path, make_content):
    content = make_content(reports())
    build(content, tmp_path / "on")
    build(content, tmp_path / "off", INCREMENTAL=False)
    assert assert_same_tree(tmp_path / "on", tmp_path / "off") >= 10


def test_a_build_run_once_keys_no_page_and_writes_the_same(
    tmp_path, make_content, monkeypatch
):
    """``python -m buildspeed`` without --autoreload builds once: no page
    is keyed for a next build, and the pages are the same."""
    assert buildspeed_main.one_shot(["content", "-s", "pelicanconf.py"])
    assert not buildspeed_main.one_shot(["content", "-r"])
    assert not buildspeed_main.one_shot(["content", "--autoreload", "-l"])
    content = make_content(reports())
    build(content, tmp_path / "keyed", SEARCH_INDEX=False)
    monkeypatch.setattr(buildspeed, "ONE_SHOT", True)
    build(content, tmp_path / "once", SEARCH_INDEX=False)
    assert assert_same_tree(tmp_path / "once", tmp_path / "keyed") >= 10
    ledgers = buildspeed._LEDGERS
    assert len(ledgers[str(tmp_path / "keyed")]) >= 10
    assert len(ledgers[str(tmp_path / "once")]) == 0


def test_ledger_needs_same_key_and_untouched_file(tmp_path):
    page = tmp_path / "a.html"
    page.write_text("x")
    ledger = Ledger()
    ledger.record(str(page), "k1")
    assert ledger.unchanged(str(page), "k1")
    assert not ledger.unchanged(str(page), "k2")
    os.utime(page, ns=(1, 1))  # someone touched the output
    assert not ledger.unchanged(str(page), "k1")


def test_public_data_leaves_out_body_only_when_summary_is_given():
    class Doc:
        pass

    a, b = Doc(), Doc()
    a._content, b._content = "một", "hai"
    a._summary = b._summary = "tóm tắt"
    assert public_data(a) == public_data(b)
    del a._summary, b._summary
    assert public_data(a) != public_data(b)


def test_pages_written_on_every_core_are_the_pages_written_one_by_one(
    tmp_path, monkeypatch
):
    """The real content plus paginated listings, through the worker pool
    (forced for a small site) and through Pelican's own writer."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    content = real_content_with(
        tmp_path, {f"tin-tuc/{k}": v for k, v in reports().items()}
    )
    common = dict(DEFAULT_PAGINATION=2, SEARCH_INDEX=False)
    build(content, tmp_path / "pool", PARALLEL_WRITE_WORKERS=2, **common)
    build(content, tmp_path / "plain", PARALLEL_WRITE=False, **common)
    assert assert_same_tree(tmp_path / "pool", tmp_path / "plain") >= 40


class _CountedCards(dict):
    """buildspeed.cards' cache, counting the cards rendered (stored)."""

    def __init__(self):
        super().__init__()
        self.rendered = []

    def __setitem__(self, key, value):
        self.rendered.append(key)
        super().__setitem__(key, value)


def test_each_card_is_rendered_once_and_listings_match_rendering_every_card(
    tmp_path, monkeypatch
):
    """A report's card is on its home, ward, year, topic and author
    listings, at several folder depths (SITEURL); it is rendered once, and
    the listings are the same as with every card rendered where it is."""
    content = real_content_with(
        tmp_path, {f"tin-tuc/{k}": v for k, v in reports().items()}
    )
    common = dict(DEFAULT_PAGINATION=2, SEARCH_INDEX=False, PARALLEL_WRITE=False)
    counted = _CountedCards()
    monkeypatch.setattr(cards, "_cards", counted)
    build(content, tmp_path / "kept", **common)
    build(content, tmp_path / "every", CARD_CACHE=False, **common)
    assert assert_same_tree(tmp_path / "kept", tmp_path / "every") >= 40
    shown = sum(
        len(soup(page).select("article.card"))
        for page in (tmp_path / "kept").rglob("*.html")
    )
    assert len(counted.rendered) == len(set(counted.rendered))  # never twice
    assert shown > 4 * len(counted.rendered) > 0  # 45 shown, 9 rendered
    assert not counted  # emptied once the build has written its pages


class _Pid:
    name = "pid.html"

    def render(self, context):
        return f"{context['n']} {os.getpid()}"


class _Broken:
    name = "broken.html"

    def render(self, context):
        raise ValueError("thiếu biến")


def test_write_all_renders_in_worker_processes_and_names_the_page_that_failed(
    tmp_path,
):
    pages = [
        Page(str(tmp_path / f"{n}.html"), _Pid(), {"n": -1}, {"n": n})
        for n in range(parallel.MIN_PARALLEL)
    ]
    broken = Page(str(tmp_path / "broken.html"), _Broken(), {}, {})
    failed = write_all([*pages[:5], broken, *pages[5:]], workers=2)
    assert [(page.path, why) for page, why in failed] == [
        (broken.path, "ValueError: thiếu biến")
    ]
    written = [Path(page.path).read_text(encoding="utf-8").split() for page in pages]
    assert [int(n) for n, _ in written] == list(range(len(pages)))
    assert str(os.getpid()) not in {pid for _, pid in written}
    assert not Path(broken.path).exists()


def test_pages_go_on_the_core_a_background_job_frees_once_it_is_done(tmp_path):
    """While the search index has a core, pages are written in this
    process; once it is done (spare() is true), the rest on every core."""
    pages = [
        Page(str(tmp_path / f"{n}.html"), _Pid(), {"n": -1}, {"n": n})
        for n in range(3 * parallel.MIN_PARALLEL)
    ]
    looks = []

    def spare():
        looks.append(len(looks))
        return len(looks) > 3  # the job ends after three looks

    assert write_all(pages, workers=1, spare=spare) == []
    written = [Path(page.path).read_text(encoding="utf-8").split() for page in pages]
    assert [int(n) for n, _ in written] == list(range(len(pages)))
    here = [pid == str(os.getpid()) for _, pid in written]
    first = 3 * parallel.SPARE_EVERY  # written before the fourth look
    assert all(here[:first]) and not any(here[first:])
    assert 1 <= len({pid for _, pid in written[first:]}) <= 2  # workers + 1
    assert len(looks) == 4  # not looked at again once the workers have them


def test_reports_of_the_same_minute_are_listed_alike_in_every_build(
    tmp_path, make_content
):
    """Pelican reads files in set order (it changes with PYTHONHASHSEED);
    reports of one minute must still be listed in one order: by title."""
    same = {
        f"s{n}.md": REPORT.format(title=f"Tin {t}", month=2, n=1, ward="Nghi Hòa")
        for n, t in enumerate("GCEAFDB")
    }
    content = make_content(same)
    for seed in ("1", "2", "3"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pelican",
                str(content),
                "-o",
                str(tmp_path / seed),
                "-s",
                str(ROOT / "pelicanconf.py"),
                "-q",
                "-e",
                "SEARCH_INDEX=false",
            ],
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
    assert assert_same_tree(tmp_path / "1", tmp_path / "2") >= 10
    assert assert_same_tree(tmp_path / "1", tmp_path / "3") >= 10
    listed = [
        a.get_text(strip=True)
        for a in soup(tmp_path / "1/index.html").select("main h2 a, main h3 a")
    ]
    assert listed[:2] == ["Tin A", "Tin B"]


def test_a_template_edited_between_rebuilds_reaches_every_page(tmp_path, make_content):
    """Compiled templates are kept between builds (buildspeed's
    CompiledTemplates); an edited template is compiled again and every page
    that uses it is written again."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    out = tmp_path / "out"
    pelican = Pelican(settings_for(make_content(reports()), out, THEME=str(theme)))
    pelican.run()
    pages = [out / "index.html", *sorted((out / "tin-tuc").rglob("index.html"))]
    assert len(pages) == 8 and all("Đã sửa mẫu" not in soup(p).text for p in pages)
    edit(
        theme / "templates/base.html",
        '<footer class="site-footer">',
        '<footer class="site-footer"><p>Đã sửa mẫu</p>',
    )
    pelican.run()
    assert all("Đã sửa mẫu" in soup(p).footer.text for p in pages)


def test_a_replaced_report_lets_go_of_the_previous_build(tmp_path, make_content):
    """A report edited between builds is read anew; its old object pointed
    at the previous build's context, which lists it: a cycle that kept that
    whole context (every award row) alive until the collector ran."""
    seen = []

    def keep(generator):
        seen.append({a.source_path: a for a in generator.articles})

    signals.article_generator_finalized.connect(keep)
    try:
        content = make_content(reports())
        pelican = Pelican(settings_for(content, tmp_path / "out"))
        pelican.run()
        edit(content / "tin-tuc/b3.md", "Đoạn cuối của bài 3.", "Đoạn cuối đã sửa.")
        pelican.run()
    finally:
        signals.article_generator_finalized.disconnect(keep)
    first, second = seen
    edited = str(content / "tin-tuc/b3.md")
    assert first[edited] is not second[edited]  # read anew
    assert not hasattr(first[edited], "_context")
    kept = [p for p in first if p != edited]
    assert all(first[p] is second[p] for p in kept)  # reused, with a context
    assert all(second[p]._context is second[edited]._context for p in kept)


def test_pages_written_in_this_process_keep_no_copy_of_the_bodies(
    tmp_path, make_content
):
    """Pelican memoizes every report's rendered body, keyed by the report,
    for the life of the process: a second copy of the site's text (~70 MiB
    at 10,000 reports) and, in a dev server, of every edited version.  The
    writer lets go of each body once its page is written."""
    content = make_content(reports())
    out = tmp_path / "out"
    build(content, out, PARALLEL_WRITE_WORKERS=1)  # rendered in this process
    pages = list(out.rglob("index.html"))
    assert any("Đoạn cuối của bài 3." in p.read_text(encoding="utf-8") for p in pages)
    assert not Content.get_content.cache


def test_a_rebuild_hashes_only_the_edited_body(tmp_path, make_content, monkeypatch):
    """The site fingerprint, the page keys and the awards plugin each key a
    report by the digest of its body; a dev rebuild reuses the unchanged
    reports and so their digests: only the edited body is hashed again."""
    content = make_content(reports())
    pelican = Pelican(settings_for(content, tmp_path / "out"))
    pelican.run()
    hashed = []
    real = rebuild._digest
    monkeypatch.setattr(
        rebuild, "_digest", lambda text: hashed.append(text) or real(text)
    )
    edit(content / "tin-tuc/b3.md", "Đoạn cuối của bài 3.", "Đoạn cuối đã sửa.")
    pelican.run()
    bodies = [text for text in hashed if "Đoạn đầu của bài" in text]
    assert bodies and all("Đoạn cuối đã sửa." in text for text in bodies)
    assert len(bodies) == 1  # once for all three askers


def test_a_rebuild_frees_the_previous_build_without_the_cycle_collector(
    tmp_path, make_content
):
    """The functions this plugin keeps on a generator held the generator
    itself: a cycle that kept every build's generators and context (award
    rows, tallies: ~10 MiB a rebuild at 10,000 reports) until the cycle
    collector's next full pass, which is what made spacing those passes
    out (``GC_THRESHOLD``) grow the memory of a dev server."""
    generators = []

    def keep(generator):
        generators.append(weakref.ref(generator))

    signals.article_generator_finalized.connect(keep)
    content = make_content(reports())
    pelican = Pelican(settings_for(content, tmp_path / "out"))
    gc.collect()
    gc.disable()
    try:
        pelican.run()
        edit(content / "tin-tuc/b3.md", "Đoạn cuối của bài 3.", "Đoạn cuối đã sửa.")
        pelican.run()
        assert len(generators) == 2
        assert generators[0]() is None  # freed when the second build replaced it
    finally:
        gc.enable()
        signals.article_generator_finalized.disconnect(keep)


@pytest.mark.parametrize(
    "metadata",
    [
        {},  # a report in the site's language
        {"lang": "en"},  # a translation: ARTICLE_LANG_URL
        {"status": "draft"},  # DRAFT_URL
        {"path": "tin-tuc/khac.md"},  # a path given in the metadata
    ],
)
def test_kept_addresses_are_pelicans_own(tmp_path, metadata):
    """memoize_addresses formats both addresses from one url_format: the
    same strings as Pelican's url and save_as properties."""
    from pelican.contents import Article
    from pelican.utils import SafeDatetime

    (tmp_path / "content" / "tin-tuc").mkdir(parents=True)
    settings = settings_for(tmp_path / "content", tmp_path / "output")
    settings["ARTICLE_LANG_URL"] = "{lang}/{date:%Y}/{slug}.html"
    settings["ARTICLE_LANG_SAVE_AS"] = "{lang}/{date:%Y}/{slug}-save.html"
    source = str(tmp_path / "content" / "tin-tuc" / "bai.md")
    article = Article(
        "<p>x</p>",
        metadata={
            "title": "Bài",
            "slug": "nghi-hoa-bai",
            "date": SafeDatetime(2024, 1, 10, 14, 0),
            **metadata,
        },
        settings=settings,
        source_path=source,
    )
    expected = article.url, article.save_as
    assert buildspeed.addresses(article) == expected
    assert len(set(expected)) == 2 and "nghi-hoa-bai" in expected[0]


def test_feed_entries_are_made_once_and_feeds_match_making_every_entry(
    tmp_path, monkeypatch
):
    """A report is in its ward's feed, its topic's and the site's: its entry
    is made once for a feed address, and every feed is the same bytes as
    with each entry made in each feed (feedgenerator's own writing), in a
    dev build (relative addresses) and a publish build (FEED_DOMAIN, the
    site's feed)."""
    from buildspeed import feeds

    content = real_content_with(
        tmp_path, {f"tin-tuc/{k}": v for k, v in reports().items()}
    )
    made = []
    real = feeds.entry_text

    def counted(feed, item):
        made.append(item["link"])
        return real(feed, item)

    monkeypatch.setattr(feeds, "entry_text", counted)
    for conf in ("pelicanconf.py", "publishconf.py"):
        common = dict(SEARCH_INDEX=False, PORTAL_STRICT=False)
        made.clear()
        kept, every = tmp_path / f"kept-{conf}", tmp_path / f"every-{conf}"
        build(content, kept, conf, **common)
        build(content, every, conf, FEED_ENTRY_CACHE=False, **common)
        assert assert_same_tree(kept, every) >= 40
        atom = "{http://www.w3.org/2005/Atom}"
        shown = [
            link.get("href")
            for xml in kept.rglob("*atom.xml")
            for link in ElementTree.parse(xml).iter(f"{atom}link")
            if link.get("rel") == "alternate" and "tin-tuc/" in link.get("href")
        ]
        assert len(made) == len(set(made))  # never twice for one address
        assert len(shown) > 2 * len(made) > 0
