"""The search index: articles only, filters by ward/year/topic, đ searchable
as d, and the same bytes every build (the browser test searches it)."""

import gzip
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import search
from conftest import REGISTRY, ROOT, build, generated_reports
from search.fold import d_words
from search.merge import Folded, Fragments, Shard, join, merge
from search.stable import read_pf
from test_reader import assert_same_tree

REPORT = """Title: {title}
Date: {date}
Ward: {ward}
Topics: {topics}
Summary: Tóm tắt.

{body}
"""

ARTICLES = {
    "a.md": REPORT.format(
        title="Đảng uỷ phường Nghi Hoà tổng kết năm",
        date="2024-01-10",
        ward="Nghi Hoà",
        topics="QP-AN",
        body="Đảng uỷ, UBND phường Nghi Hòa tổ chức Hội nghị tổng kết.",
    ),
    "b.md": REPORT.format(
        title="Đức Thuận ra quân an toàn giao thông",
        date="2023-03-15",
        ward="Đức Thuận",
        topics="An toàn giao thông, Quốc phòng – An ninh",
        body="Đoàn Thanh niên phường Đức Thuận ra quân.",
    ),
    "c.md": REPORT.format(
        title="Nghi Hải hội nghị văn hóa",
        date="2024-02-20",
        ward="Nghi Hải",
        topics="Văn hóa – Thể thao",
        body="UBND phường Nghi Hải tổ chức hội nghị văn hóa.",
    ),
}


@pytest.mark.parametrize(
    "texts, expected",
    [
        (("Đảng uỷ phường",), "dảng"),
        (("<p>Đ/c <b>Đức</b> Thuận</p>",), "d dức"),
        (("Đoàn và đoàn", "ĐẢNG"), "doàn dảng"),
        (("không có chữ ấy",), ""),
        (("a &amp; Đê",), "dê"),
        (("(Đảng-đoàn), đ/c\u00a0Đức",), "dảng doàn d dức"),  # several in a token
        (("đ_2 Đ2024 Đoàn Đoàn",), "d_2 d2024 doàn"),  # \w holds _ and digits
        (("đ\u0301x",), "d"),  # a combining mark is no \w: it ends the word
        (("a\nđb\tĐc x\u00a0đd đb",), "db dc dd"),  # tokens split by other spaces
    ],
)
def test_d_words_are_the_words_with_d_written_plainly(texts, expected):
    assert d_words(*texts) == " ".join(sorted(expected.split()))


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    content = root / "content"
    (content / "data").mkdir(parents=True)
    (content / "data/registry.toml").write_bytes(REGISTRY.read_bytes())
    for name, text in ARTICLES.items():
        (content / "tin-tuc").mkdir(exist_ok=True)
        (content / "tin-tuc" / name).write_text(text, encoding="utf-8")
    outs = [root / "one", root / "two"]
    for out in outs:  # each with its own cache: Pagefind runs twice
        build(content, out, CACHE_PATH=str(out.with_name(out.name + "-cache")))
    return outs


def filters(bundle):
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read_pf(bundle / f"pagefind.{entry['languages']['vi']['hash']}.pf_meta")
    out = {}
    for name, file_hash in meta[3]:
        _, values = read_pf(bundle / "filter" / f"{file_hash}.pf_filter")
        out[name] = {value: len(pages) for value, pages in values}
    return entry, out


def test_index_is_byte_identical_build_to_build(indexed):
    one, two = indexed
    assert assert_same_tree(one / "pagefind", two / "pagefind") > 5


def test_index_holds_articles_only_with_registry_filters(indexed):
    entry, found = filters(indexed[0] / "pagefind")
    assert entry["languages"]["vi"]["page_count"] == len(ARTICLES)
    assert found["ward"] == {
        "Phường Nghi Hòa": 1,
        "Phường Đức Thuận": 1,
        "Phường Nghi Hải": 1,
    }
    assert found["year"] == {"2024": 2, "2023": 1}
    assert found["topic"] == {
        "Quốc phòng – An ninh": 2,
        "An toàn giao thông": 1,
        "Văn hóa – Thể thao": 1,
    }


def fragments(bundle) -> dict[str, dict]:
    """What Pagefind returns for each indexed page, by URL."""
    found = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        data = json.loads(raw[len(b"pagefind_dcd") :])
        found[data["url"]] = data
    return found


def test_each_article_is_indexed_at_its_address_with_its_text(indexed):
    out = indexed[0]
    found = fragments(out / "pagefind")
    pages = {
        "/" + str(p.parent.relative_to(out)) + "/"
        for p in (out / "tin-tuc").rglob("index.html")
    }
    assert set(found) == pages  # articles only, at the URLs the site has
    page = found["/tin-tuc/2023/03/duc-thuan-ra-quan-an-toan-giao-thong/"]
    assert page["meta"]["title"] == "Đức Thuận ra quân an toàn giao thông"
    assert page["meta"]["date"] == "15/03/2023"
    assert page["filters"] == {
        "year": ["2023"],
        "ward": ["Phường Đức Thuận"],
        "topic": ["An toàn giao thông", "Quốc phòng – An ninh"],
    }
    assert "Đoàn Thanh niên phường Đức Thuận ra quân." in page["content"]
    # the đ-words written with d, so "duc thuan" and "doan" find them
    assert {"dức", "doàn"} <= set(page["content"].replace(".", " ").split())


def test_unchanged_reports_keep_the_index_and_an_edit_rebuilds_it(
    tmp_path, make_content
):
    content = make_content(ARTICLES)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(content, out, CACHE_PATH=str(cache))
    before = {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*")}
    build(content, out, CACHE_PATH=str(cache))  # as `make html` twice
    after = {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*")}
    assert after == before  # Pagefind did not run: the same files, untouched
    report = content / "tin-tuc/c.md"
    report.write_text(
        report.read_text(encoding="utf-8").replace("văn hóa.", "văn hóa mới."),
        encoding="utf-8",
    )
    build(content, out, CACHE_PATH=str(cache))
    texts = [f["content"] for f in fragments(out / "pagefind").values()]
    assert any("văn hóa mới." in t for t in texts)
    assert not list(tmp_path.glob(".out.pagefind-*"))  # nothing left beside it


def test_a_build_that_stops_early_leaves_no_indexer_or_its_files(
    tmp_path, make_content
):
    """A strict build stops on a content error after Pagefind has started
    (search starts when the reports are resolved; the stop comes when every
    generator has reported): the indexer is stopped and its records and
    half-written bundle removed, whatever the moment."""
    scratch = Path(search._scratch() or tempfile.gettempdir())
    before = set(scratch.glob("pagefind-*"))
    bad = ARTICLES["a.md"].replace("Ward: Nghi Hoà", "Ward: Nghi Hoa Hoa")
    content = make_content({**ARTICLES, "a.md": bad})
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-o",
            str(tmp_path / "out"),
            "-s",
            str(ROOT / "pelicanconf.py"),
            "-e",
            "PORTAL_STRICT=true",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode != 0 and "Nghi Hoa Hoa" in run.stdout + run.stderr
    assert set(scratch.glob("pagefind-*")) == before
    assert list(tmp_path.glob(".out.pagefind-*")) == []
    running = [
        cmd
        for cmd in (p.read_bytes() for p in Path("/proc").glob("[0-9]*/cmdline"))
        if str(scratch / "pagefind-").encode() in cmd
    ]
    assert running == []


def index_by_url(bundle: Path) -> dict:
    """Everything a search can return from ``bundle``, keyed by URL rather
    than by Pagefind's page numbers: each word's pages with their
    locations, its spellings with marks, the filters, the pages' fragments
    and word counts.  Also checks that every word lies in its chunk's range."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    info = entry["languages"]["vi"]
    meta = read_pf(bundle / f"pagefind.{info['hash']}.pf_meta")
    urls, pages = [], {}
    for fragment, word_count in meta[1]:
        raw = gzip.decompress(
            (bundle / "fragment" / f"{fragment}.pf_fragment").read_bytes()
        )
        data = json.loads(raw[len(b"pagefind_dcd") :])
        urls.append(data["url"])
        pages[data["url"]] = (word_count, data)

    def by_url(postings):
        number, found = 0, {}
        for delta, locations, meta_locations in postings:
            number += delta
            found[urls[number]] = (locations, meta_locations)
        return found

    words, order = {}, []
    for first, last, chunk in meta[2]:
        for word, postings, variants in read_pf(bundle / "index" / f"{chunk}.pf_index")[
            0
        ]:
            assert first <= word[: len(first)] and word[: len(last)] <= last
            order.append(word)
            words[word] = (
                by_url(postings),
                {form: by_url(p) for form, p in variants},
            )
    assert order == sorted(order)
    found = {}
    for _, file_hash in meta[3]:
        name, values = read_pf(bundle / "filter" / f"{file_hash}.pf_filter")
        found[name] = {
            value: sorted(urls[n] for n in numbers) for value, numbers in values
        }
    scripts = {
        p.name: p.read_bytes()
        for p in bundle.iterdir()
        if p.is_file() and p.suffix != ".pf_meta" and p.name != "pagefind-entry.json"
    }
    return {
        "scripts": scripts,
        "count": info["page_count"],
        "meta": (meta[0], meta[4], meta[5]),
        "pages": pages,
        "words": words,
        "filters": found,
    }


def test_index_built_in_shards_and_joined_finds_what_one_run_finds(tmp_path):
    """Above SEARCH_SHARD_SIZE reports Pagefind runs on shards (its memory
    grows with the reports it holds) and search.merge joins the bundles:
    the joined index must answer every word as one Pagefind run does."""
    content = tmp_path / "content"
    generated_reports(content / "tin-tuc", 40)
    (content / "data").mkdir()
    (content / "data/registry.toml").write_bytes(REGISTRY.read_bytes())
    one, joined = tmp_path / "one", tmp_path / "joined"
    build(content, one, CACHE_PATH=str(tmp_path / "c1"))
    build(content, joined, CACHE_PATH=str(tmp_path / "c2"), SEARCH_SHARD_SIZE=7)
    whole, merged = index_by_url(one / "pagefind"), index_by_url(joined / "pagefind")
    assert whole["count"] == merged["count"] == 40
    assert len(whole["words"]) > 500  # the corpus's vocabulary, shared by shards
    shared = [w for w, (postings, _) in whole["words"].items() if len(postings) > 7]
    assert len(shared) > 50  # words whose pages span several shards
    for key in ("scripts", "meta", "pages", "words", "filters"):
        assert merged[key] == whole[key], key
    assert not list(tmp_path.glob(".joined.pagefind-*"))  # shards removed


def _kept_shards(cache: Path) -> dict[str, tuple]:
    """The shard cache's entries: name -> (inode, mtime) of their words."""
    found = {}
    for entry in (cache / "search" / "shards").iterdir():
        if not entry.name.startswith("."):
            words = (entry / "words.pickle").stat()
            found[entry.name] = (words.st_ino, words.st_mtime_ns)
    return found


def test_unchanged_shards_are_kept_between_builds_and_give_the_same_index(
    tmp_path, monkeypatch
):
    """A build that finds a shard's records in the shard cache indexes
    nothing for it: after one report is edited only its shard is written
    again, and the index is the same bytes as a build without a cache."""
    content = tmp_path / "content"
    generated_reports(content / "tin-tuc", 40)
    (content / "data").mkdir()
    (content / "data/registry.toml").write_bytes(REGISTRY.read_bytes())
    cache = tmp_path / "cache"
    build(content, tmp_path / "first", CACHE_PATH=str(cache), SEARCH_SHARD_SIZE=7)
    before = _kept_shards(cache)
    assert len(before) == 6  # 40 reports: 7, 7, 7, 7, 6, 6
    edited = sorted((content / "tin-tuc").glob("*.md"))[17]
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nĐoạn thêm: kiemtrathu.\n",
        encoding="utf-8",
    )
    written = tmp_path / "written.txt"  # a line for each shard indexed

    def counted(found, out, *args):
        with open(written, "a", encoding="utf-8") as log:
            log.write(f"{len(found)}\n")  # one write: lines from forks stay whole
        return write_shard(found, out, *args)

    write_shard = search.write_shard
    monkeypatch.setattr(search, "write_shard", counted)  # forks inherit it
    again, cold = tmp_path / "again", tmp_path / "cold"
    build(content, again, CACHE_PATH=str(cache), SEARCH_SHARD_SIZE=7)
    assert len(written.read_text(encoding="utf-8").split()) == 1  # its shard only
    build(content, cold, CACHE_PATH=str(tmp_path / "c2"), SEARCH_SHARD_SIZE=7)
    assert len(written.read_text(encoding="utf-8").split()) == 1 + 6
    assert_same_tree(again / "pagefind", cold / "pagefind")
    after = _kept_shards(cache)
    assert len(after) == 7  # the edited shard's new records; the old kept a day
    assert all(after[name] == kept for name, kept in before.items())
    fragments = list((again / "pagefind" / "fragment").iterdir())
    linked = [f for f in fragments if f.stat().st_nlink > 1]
    assert len(fragments) == 40 and len(linked) >= 33  # from the kept shards
    assert "kiemtrathu" in index_by_url(again / "pagefind")["words"]
    # A kept shard that lost a file (a disk error, a hand in the cache):
    # the build indexes without the cache rather than fail.
    for name in after:
        (cache / "search" / "shards" / name / "words.pickle").write_bytes(b"")
    mended = tmp_path / "mended"
    build(content, mended, CACHE_PATH=str(cache), SEARCH_SHARD_SIZE=7)
    assert_same_tree(mended / "pagefind", cold / "pagefind")


def test_a_kept_shard_is_named_after_all_its_files_depend_on():
    from search.shardcache import name

    first = name(b"records", "1.5.2", True)
    assert first == name(b"records", "1.5.2", True)
    others = [
        name(b"records!", "1.5.2", True),  # other records
        name(b"records", "1.5.3", True),  # another Pagefind
        name(b"records", "1.5.2", False),  # without Pagefind's scripts
    ]
    assert first not in others and len(set(others)) == 3


def test_the_shard_cache_keeps_what_builds_use_and_never_half_a_shard(tmp_path):
    import os

    from search import shardcache

    root = tmp_path / "shards"

    def write(out):
        (out / "words.pickle").write_bytes(b"x")

    def fail(out):
        (out / "half").write_bytes(b"x")
        raise RuntimeError("the indexer failed")

    kept = shardcache.store(root, "a", write)
    assert kept == root / "a" and (kept / "words.pickle").read_bytes() == b"x"
    with pytest.raises(RuntimeError):
        shardcache.store(root, "b", fail)
    assert sorted(p.name for p in root.iterdir()) == ["a"]  # no half shard left
    assert shardcache.lookup(root, "b") is None
    assert shardcache.store(root, "a", fail) == kept  # kept first: not written
    for entry in ("old", "used", "recent"):
        shardcache.store(root, entry, write)
    day = shardcache.KEEP_UNUSED
    now = (root / "old").stat().st_mtime + day + 60
    for entry in ("old", "used"):
        os.utime(root / entry, (now - day - 30, now - day - 30))
    os.utime(root / "recent", (now - day + 30, now - day + 30))
    shardcache.evict(root, {"used"}, now)
    assert sorted(p.name for p in root.iterdir()) == ["recent", "used"]
    blocked = tmp_path / "file"
    blocked.write_bytes(b"")  # a cache folder that cannot be made
    assert shardcache.store(blocked / "shards", "a", write) is None


RECORD = (
    '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>'
    '<main data-pagefind-body><h1 data-pagefind-meta="title">{title}</h1>{body}'
    "</main></body></html>"
)


def pagefind(site: Path, bundle: Path) -> Path:
    subprocess.run(search.pagefind_command(site, bundle), check=True)
    return bundle


def test_joined_shards_renumber_the_meta_fields_a_shard_lacks(tmp_path):
    """Pagefind numbers meta fields by name; a shard with no photo has no
    "image" field, so its "title" has another number than in a shard with
    one.  The joined index uses the numbers of the whole site."""
    pages = {
        "a/index.html": ("Hội nghị Đảng uỷ", '<img src="/a.jpg" alt="Toàn cảnh">'),
        "b/index.html": ("Hội nghị văn hóa", "<p>Hội nghị văn hóa phường.</p>"),
        "c/index.html": ("Ra quân giao thông", "<p>Hội nghị ra quân.</p>"),
    }
    for shard, names in (
        ("0", ["a/index.html"]),
        ("1", ["b/index.html", "c/index.html"]),
    ):
        for name in names:
            title, body = pages[name]
            for site in (tmp_path / "all", tmp_path / f"site{shard}"):
                (site / name).parent.mkdir(parents=True, exist_ok=True)
                (site / name).write_text(RECORD.format(title=title, body=body))
    whole = pagefind(tmp_path / "all", tmp_path / "whole")
    shards = [pagefind(tmp_path / f"site{n}", tmp_path / f"b{n}") for n in "01"]
    merge(shards, tmp_path / "joined")
    one, joined = index_by_url(whole), index_by_url(tmp_path / "joined")
    assert one["meta"][2] == ["image", "image_alt", "title"]
    assert read_pf(next((tmp_path / "b1").glob("*.pf_meta")))[5] == ["title"]
    assert one["words"]["hoi"] and joined == one


@pytest.mark.parametrize("photo", [False, True])
def test_words_joined_as_each_shard_arrives_are_those_joined_at_the_end(
    tmp_path, photo
):
    """The joining process folds each shard's words in as the shard
    arrives (the join at the end of the build then only writes them and
    packs them): the same bytes as joining every shard's words at the end.
    A shard whose meta fields differ (one photo: an "image" field the
    others lack) cannot be folded, and is joined at the end as before."""
    titles = ["Hội nghị Đảng uỷ", "Ra quân giao thông", "Khen thưởng", "Văn hóa"]
    for n in range(9):
        body = "<p>" + " ".join(["Hội nghị phường Nghi Hòa."] * (1 + n)) + "</p>"
        if photo and n == 7:
            body += '<img src="/a.jpg" alt="Toàn cảnh Hội nghị">'
        page = tmp_path / f"site{n // 3}" / "tin-tuc" / f"{n:02d}" / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(RECORD.format(title=titles[n % 4], body=body), "utf-8")
    bundles = [pagefind(tmp_path / f"site{n}", tmp_path / f"b{n}") for n in range(3)]
    copies = [shutil.copytree(b, b.with_name(b.name + "-copy")) for b in bundles]
    merge(copies, tmp_path / "at-end")
    out = tmp_path / "folded"
    fragments, shards, folded = Fragments(out), [], Folded()
    for bundle in bundles:
        shards.append(Shard(bundle))
        fragments.add(shards[-1])
        folded.add(shards[-1], fragments.first)
    language = next(iter(shards[0].languages))
    assert (folded.entries(language, shards) is None) == photo
    join(shards, out, fragments, folded)
    assert assert_same_tree(tmp_path / "at-end", out) > 9
    joined = index_by_url(out)
    assert len(joined["words"]["nghi"][0]) == 9  # a word of every shard's pages


def test_the_joining_process_joins_the_bundles_it_is_sent_and_says_why_not(
    tmp_path,
):
    """The build joins the shards in a fresh process fed each bundle as
    Pagefind finishes it (the forked search process holds a copy of
    Pelican's pages): same index as joining in this process; a bundle it
    cannot read stops it with the reason, which the build reports."""
    for n, (title, body) in enumerate(
        [("Hội nghị Đảng uỷ", "<p>Toàn cảnh Hội nghị.</p>"), ("Ra quân", "<p>Hội.</p>")]
    ):
        record = tmp_path / f"site{n}" / "a" / f"{n}" / "index.html"
        record.parent.mkdir(parents=True)
        record.write_text(RECORD.format(title=title, body=body), encoding="utf-8")
    shards = [pagefind(tmp_path / f"site{n}", tmp_path / f"b{n}") for n in "01"]
    copies = [shutil.copytree(b, b.with_name(b.name + "-copy")) for b in shards]
    again = shutil.copytree(shards[0], tmp_path / "b0-again")
    merge(copies, tmp_path / "here")  # joining moves the fragments
    for name, sent, code in (
        ("process", shards, 0),
        ("broken", [again, tmp_path / "missing"], 1),
    ):
        work = tmp_path / f"work-{name}"
        work.mkdir()
        joiner = search._start_joiner(tmp_path / name, work, [])
        for bundle in sent:
            search._send(joiner, bundle)
        joiner.stdin.close()
        assert joiner.wait() == code
        said = (work / "join.log").read_text(encoding="utf-8")
    assert index_by_url(tmp_path / "process") == index_by_url(tmp_path / "here")
    assert "missing" in said and "FileNotFoundError" in said


def test_shards_indexed_side_by_side_are_joined_in_their_order(tmp_path):
    """Once Pelican has written its pages it only waits for the index, and
    Pagefind runs on one shard per core: shards then finish out of order,
    and are still joined in their order, as one Pagefind run numbers them."""
    titles = ["Hội nghị Đảng uỷ", "Ra quân", "Khen thưởng 01 tập thể", "Văn hóa"]
    found = []
    for n in range(12):
        title = f"{titles[n % 4]} số {n}"
        body = (
            "<p>"
            + " ".join(["Hội nghị phường Nghi Hòa."] * (1 + 40 * (n % 3)))
            + "</p>"
        )
        page = (f"tin-tuc/{n:02d}/index.html", RECORD.format(title=title, body=body))
        found.append(page)  # as search.records.records gives them: text
        (tmp_path / "all" / page[0]).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "all" / page[0]).write_text(page[1], encoding="utf-8")
    built = [found[i : i + 2] for i in range(0, len(found), 2)]  # 6 shards
    spare = multiprocessing.get_context("fork").Event()
    for name in ("one-by-one", "side-by-side"):
        if name == "side-by-side":
            spare.set()  # two Pagefind runs at a time from the start
        work = tmp_path / f"work-{name}"
        work.mkdir()
        code, message = search._index_shards(
            built, built, hashlib.blake2b(), work, tmp_path / name, [], spare
        )
        assert code == 0, message
    assert_same_tree(tmp_path / "one-by-one", tmp_path / "side-by-side")
    whole = pagefind(tmp_path / "all", tmp_path / "whole")
    assert index_by_url(tmp_path / "side-by-side") == index_by_url(whole)


@pytest.mark.parametrize(
    "count, size, sizes",
    [
        (1000, 800, [500, 500]),
        (10_000, 800, [800] * 11 + [600, 600]),
        (800, 800, [800]),
        (801, 800, [400, 401]),
        (1601, 800, [800, 400, 401]),
        (7, 2, [2, 2, 1, 2]),
        (0, 800, []),
    ],
)
def test_shards_are_as_few_as_the_size_allows_the_last_two_even(count, size, sizes):
    """The last shard is the one the build waits for: 1,000 reports make
    two shards of 500, not 800 and 200; every report once, in order."""
    reports = list(range(count))
    groups = search._groups(reports, size)
    assert [len(g) for g in groups] == sizes
    assert [r for g in groups for r in g] == reports


@pytest.mark.parametrize("count", [1000, 1599, 1600, 9999, 10_000, 10_400])
def test_a_report_added_last_changes_only_the_last_shards(count):
    """Reports sort oldest first (by address): a new one comes last and
    leaves every shard but the last two as it was, so those are found in
    the shard cache (shards of even sizes would all change)."""
    before = search._groups(list(range(count)), 800)
    after = search._groups(list(range(count + 1)), 800)
    kept = 0
    while kept < len(before) and before[kept] == after[kept]:
        kept += 1
    assert kept >= len(before) - 2


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.01)


def _first(folder: Path) -> None:
    _wait_for(folder / "go")
    (folder / "first-done").touch()


def _second(folder: Path) -> None:
    (folder / "second-started").write_text(
        "after" if (folder / "first-done").exists() else "before"
    )


def _first_dies(folder: Path) -> None:
    _wait_for(folder / "go")
    os._exit(3)  # as a shard handed to Pagefind's binary leaves: no word


def _ended(run, within: float = 30.0) -> int | None:
    """The child's exit code, or None (and the child killed) if it is still
    running after ``within`` seconds: a child stuck at its gate fails the
    test rather than hanging it."""
    deadline = time.monotonic() + within
    while run.poll() is None:
        if time.monotonic() > deadline:
            run.kill()
            run.wait()
            return None
        time.sleep(0.01)
    return run.returncode


def test_a_shard_forked_ahead_starts_when_the_one_before_is_done(tmp_path):
    """The next shard's child is forked while the last one runs and starts
    the moment it is done, without waiting for the indexing process; if
    the one before stops without a word, the indexing process opens the
    gate."""
    runs = []
    try:
        first = search._Forked(tmp_path / "1.log", _first, tmp_path)
        runs.append(first)
        second = search._Forked(
            tmp_path / "2.log", _second, tmp_path, gate=first.release[0]
        )
        runs.append(second)
        time.sleep(0.3)
        assert not (tmp_path / "second-started").exists()  # one shard at a time
        (tmp_path / "go").touch()
        assert _ended(second) == 0  # started by the first alone: no open() here
        assert _ended(first) == 0
        assert (tmp_path / "second-started").read_text() == "after"

        later = tmp_path / "later"
        later.mkdir()
        dies = search._Forked(tmp_path / "3.log", _first_dies, later)
        runs.append(dies)
        waits = search._Forked(tmp_path / "4.log", _second, later, gate=dies.release[0])
        runs.append(waits)
        (later / "go").touch()
        assert _ended(dies) == 3
        time.sleep(0.3)
        assert not (later / "second-started").exists()
        dies.open()
        assert _ended(waits) == 0
        assert (later / "second-started").read_text() == "before"  # no first-done
    finally:
        (tmp_path / "go").touch()  # no child left waiting, whatever failed
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.wait()
            run.close()
