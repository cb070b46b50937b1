"""The portal writes Pagefind's index itself (search.fossick, search.bundle):
every file must say what Pagefind 1.5's own would, for the same records.
Each test runs the real Pagefind binary on the same pages as the oracle."""

import gzip
import json
import random
import shutil
import subprocess
import types
import unicodedata
from pathlib import Path

import cbor2
import pytest
import search
from conftest import CONTENT, build, generated_reports
from search import fossick, wordindex
from search.bundle import SUPPORTED, write_bundle
from search.fossick import INCLUDE_CHARACTERS, exotic, page_url
from search.stable import pf_body, read_pf, stabilise
from test_search import ARTICLES, RECORD, REPORT, index_by_url

pytestmark = pytest.mark.skipif(
    search.PAGEFIND not in SUPPORTED, reason="the writer follows Pagefind 1.5.2"
)


def decoded(bundle: Path) -> dict[str, bytes]:
    """Every file of a bundle by its path, the .pf_* files unpacked (the
    packing differs: Pagefind's deflate is not zlib's); filter values and
    the filter list put in order first (search.stable, as every build)."""
    stabilise(bundle)
    files = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix.startswith(".pf_"):
                data = gzip.decompress(data)
            files[str(path.relative_to(bundle))] = data
    return files


def assert_same_bundle(ours: Path, theirs: Path) -> None:
    mine, pagefind = decoded(ours), decoded(theirs)
    assert sorted(mine) == sorted(pagefind)
    for name in pagefind:
        assert mine[name] == pagefind[name], name


def pagefind(site: Path, bundle: Path) -> Path:
    subprocess.run(search.pagefind_command(site, bundle), check=True)
    return bundle


def urls(bundle: Path) -> list[str]:
    """The pages of a bundle in its order (Pagefind's: the file system's)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read_pf(bundle / f"pagefind.{entry['languages']['vi']['hash']}.pf_meta")
    return [
        json.loads(pf_body(bundle / "fragment" / f"{name}.pf_fragment"))["url"]
        for name, _ in meta[1]
    ]


def ours(site: Path, bundle: Path, scripts: Path, order: list[str]) -> Path:
    """The portal's bundle of the pages in ``site``, numbered in ``order``
    (Pagefind numbers them as its walk finds them; the build, by address)."""
    documents = [
        (str(p.relative_to(site)), p.read_text(encoding="utf-8"))
        for p in site.rglob("*.html")
    ]
    place = {url: n for n, url in enumerate(order)}
    documents.sort(key=lambda document: place.get(page_url(document[0]), len(order)))
    write_bundle(documents, bundle, search.PAGEFIND, list(INCLUDE_CHARACTERS), scripts)
    return bundle


def assert_indexed_as_pagefind_does(site: Path, tmp_path: Path, scripts: Path):
    theirs = pagefind(site, tmp_path / "pagefind")
    order = urls(theirs)
    assert_same_bundle(ours(site, tmp_path / "ours", scripts, order), theirs)


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    from search.bundle import assets

    cache = tmp_path_factory.mktemp("cache")
    return assets(search._pagefind(), cache, search.PAGEFIND)


# What editors' Markdown can become once sanitized (safe_markdown's
# allowlist), and the words that test Pagefind's word splitting.
BODIES = {
    "headings": (
        "Hội nghị",
        '<h2 id="ket-qua">Kết quả năm 2023</h2><p>Đạt 92,4% kế hoạch.</p>'
        '<h3 id="a b">Phần <em id="x">một</em> tiếp</h3><h4>Bốn</h4>'
        "<h5>Năm</h5><h6>Sáu</h6><p>Hết.</p>",
    ),
    "compound": (
        "UBND-HĐND phường",
        "<p>TP.HCM, COVID-19, e-mail, 10/01/2024, (UBND), Đ/c Trần, iPhone "
        "WKWebViewComponent, ABC123def, x2, 2x, snake_case_word, __dunder__, "
        "l'alphabet, “Hội nghị”, ‘trích’, a—b, Nghi\u00adHòa, PHƯỜNG ĐỨC THUẬN, "
        "HĐNDPhường, ĐảngUỷ, CB-CNV, K.I.M, 1.000.000đ, 50%, #tag, @user, a&amp;b, "
        "&lt;div&gt;, trên&nbsp;dưới, ΟΔΟΣ, İstanbul, Straße, ǅemal.</p>",
    ),
    "cases": (
        "ĐƯỜNG2 Covid19Đ",
        "<p>ABCDef aBC A1B2 ĐƯỜNG2 Hội-nghị x-y-z UBMTTQ CCB k'Ho Ia-Grai "
        "3.000m² 1,5 ½ Ⅻ ΣΑΣ σας ___abc _x_ ___PAGEFIND_ fooBar2Baz "
        "HTTPServer v1.2.3 IPv6 ĐH Vinh’s 2023-2024 đ Đ dđ ĐĐ Ǆ ǅ ǆ "
        "ﬁle ẞ ß Ω Ω K Å ÅA ß-ẞ</p>",
    ),
    "structure": (
        "Danh sách",
        '<ul><li>Một</li><li>Hai <strong>đậm</strong></li></ul><ol start="3">'
        "<li>Ba</li></ol><dl><dt>Ban</dt><dd>Chỉ huy</dd><dt>Tổ:</dt><dd>Dân "
        "phòng</dd></dl><table><thead><tr><th>Đơn vị</th><th>Số</th></tr></thead>"
        "<tbody><tr><td>Khối 1</td><td>04</td></tr></tbody></table>"
        "<blockquote><p>Trích dẫn</p></blockquote><pre><code>mã  nguồn\n dòng"
        '</code></pre><p>Dòng một<br>dòng hai<br id="b">ba</p><hr>'
        '<p>Sau <a href="/x" id="lien-ket">liên <b>kết</b></a> và '
        '<abbr title="Ủy ban">UB</abbr>.</p><div><p>Lồng</p>Chữ trần</div>'
        "<p>Kết thúc bằng dấu hỏi?</p><p>“Ngoặc kép”</p><p>(ngoặc)</p><p>$5</p>",
    ),
    "photos": (
        "Toàn cảnh",
        '<figure><img src="/anh/a b.jpg" alt="Toàn cảnh &amp; &quot;hội&quot; nghị" '
        'width="800" height="600"><figcaption>Toàn cảnh Hội nghị</figcaption>'
        '</figure><p>Chữ <img src="/anh/2.jpg" alt="Hai"> giữa.</p>',
    ),
    "symbols": (
        "Nắng nóng 38°C",
        "<p>Nhiệt độ 38°C–40°C, giá 5€ ± 2%, 3×4=12, mục §2, ¶ • ‣ … ‰ № ℃ "
        "µg ¼ ½ ¾ ² ³ ¹ ª º ´ ˆ ˜ ¨ ¯ ¸ · ‐ ‑ ‒ – — ― ‖ ‘ ’ ‚ ‛ “ ” „ ‟ "
        "† ‡ ′ ″ ‹ › « » ¡ ¿ ¦ ¬ ¤ ¢ £ ¥ ₫ 100₫/kg</p>",
    ),
    "spaces": (
        "  Khoảng   trắng  ",
        "<p>  nhiều   khoảng\t\ttab\n\nxuống  dòng \u2003em\u00a0nbsp"
        " zero\u200bwidth\u200b \u200b </p><p></p><p>   </p><span>inline</span>",
    ),
    "empty": ("Trống", ""),
    "blank": ("", "<p> </p>"),
    # Past the writer's tables: positions over 65,535, a word met 4,096
    # times and more on one page.
    "long": (
        "Dài",
        "<p>" + " ".join(f"hội nghị lần {n}." for n in range(17_500)) + "</p>",
    ),
    "ids": (
        "Neo",
        '<p id="p1">Đoạn <span id="s1">một <i>nghiêng</i></span> hai</p>'
        '<ul id="u"><li id="l1">Mục</li></ul><h2 id=" có dấu cách ">Tiêu đề</h2>',
    ),
}


def write_records(site: Path, bodies: dict) -> None:
    for name, (title, body) in bodies.items():
        path = site / "tin-tuc" / name / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(RECORD.format(title=title, body=body), encoding="utf-8")


def test_the_written_index_is_pagefinds_for_every_kind_of_body(tmp_path, scripts):
    """Headings with ids (anchors, weights), compound words, lists and tables
    (full stops between blocks), photos (the first image becomes the
    result's image), odd spaces: Pagefind's files, byte for byte inside."""
    write_records(tmp_path / "site", BODIES)
    assert_indexed_as_pagefind_does(tmp_path / "site", tmp_path, scripts)


def test_each_body_alone_is_indexed_as_pagefind_does(tmp_path, scripts):
    """One bundle per body, so a difference names the body that makes it
    (but the blank one: alone, Pagefind stops with no page to index)."""
    for name, body in BODIES.items():
        if name == "blank":
            continue
        site = tmp_path / name / "site"
        write_records(site, {name: body})
        assert_indexed_as_pagefind_does(site, tmp_path / name, scripts)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Đảng uỷ phường Nghi Hòa – 10/01/2024 “Hội nghị” 92,4%", False),
        ("Chúc mừng 🎉", True),
        ("© 2024", True),
        ("Trời nắng ☀ 38°C", True),
        ("Nhiệt độ 38°C, giá 5€ ± 2% × 3 • mục §2 ½", False),
        ("क्षेत्र", True),  # a vowel sign Pagefind counts as a letter
        ("Nghi Hòa", False),
    ],
)
def test_text_outside_what_the_writer_follows_is_told_apart(text, expected):
    """Emoji (Pagefind indexes them through a list of its own) and combining
    marks that are letters to Rust are left to Pagefind's binary."""
    assert exotic(text) is expected


def corpus(content: Path, count: int) -> None:
    """The real content (the seed reports, their photos) and ``count``
    generated reports."""
    shutil.copytree(CONTENT, content)
    generated_reports(content / "tin-tuc" / "gen", count)
    (content / "tin-tuc" / "gen" / "emoji.md").write_text(
        REPORT.format(
            title="Chúc mừng năm mới",
            date="2024-02-09",
            ward="Nghi Hoà",
            topics="Văn hóa – Thể thao",
            body="Chúc mừng năm mới 🎉 Xuân Giáp Thìn.",
        ),
        encoding="utf-8",
    )


@pytest.mark.parametrize("shard", [1000, 9])
def test_a_site_indexed_by_the_portal_matches_one_indexed_by_pagefind(tmp_path, shard):
    """The whole build, with and without the portal's writer (one bundle,
    and shards joined), a report with an emoji among them: the same index."""
    content = tmp_path / "content"
    corpus(content, 40)
    for indexer in ("portal", "pagefind"):
        build(
            content,
            tmp_path / indexer,
            CACHE_PATH=str(tmp_path / f"cache-{indexer}"),
            SEARCH_INDEXER=indexer,
            SEARCH_SHARD_SIZE=shard,
        )
    # Pagefind numbers the pages as it finds their files, the portal by
    # address: compared by URL, every word, location, filter and fragment.
    portal = index_by_url(tmp_path / "portal/pagefind")
    assert portal["count"] == 43  # 40 generated reports, one with emoji, 2 seeds
    assert "🎉" in portal["words"]  # that shard went to Pagefind's binary
    assert len(portal["words"]) > 500
    assert portal == index_by_url(tmp_path / "pagefind/pagefind")


def test_pagefinds_scripts_are_copied_so_a_publish_cannot_edit_the_cache(
    tmp_path, scripts
):
    """A publish minifies the output's CSS in place: the cached scripts
    that every build copies from must not change with it."""
    write_records(tmp_path / "site", {"photos": BODIES["photos"]})
    documents = [
        (str(p.relative_to(tmp_path / "site")), p.read_text(encoding="utf-8"))
        for p in (tmp_path / "site").rglob("*.html")
    ]
    out = tmp_path / "bundle"
    write_bundle(documents, out, search.PAGEFIND, list(INCLUDE_CHARACTERS), scripts)
    cached = (scripts / "pagefind-ui.css").read_bytes()
    (out / "pagefind-ui.css").write_text("/* minified */", encoding="utf-8")
    assert (scripts / "pagefind-ui.css").read_bytes() == cached
    assert sorted(p.name for p in scripts.iterdir()) == sorted(
        p.name
        for p in out.iterdir()
        if p.is_file() and p.suffix != ".pf_meta" and p.name != "pagefind-entry.json"
    )


@pytest.mark.parametrize(
    "setting, version, own",
    [
        ({}, "1.5.2", True),
        ({"SEARCH_INDEXER": "pagefind"}, "1.5.2", False),
        ({}, "1.6.0", False),  # a Pagefind the writer was not checked against
        ({"SEARCH_INDEXER": "other"}, "1.5.2", True),  # warned, the default
    ],
)
def test_the_writer_runs_only_for_the_pagefind_it_follows(
    monkeypatch, caplog, setting, version, own
):
    monkeypatch.setattr(search, "PAGEFIND", version)
    assert search._own_index(setting) is own
    if setting.get("SEARCH_INDEXER") == "other":
        assert "SEARCH_INDEXER" in caplog.text


def test_an_index_that_fails_keeps_the_last_one_and_stops_a_strict_build(
    tmp_path, make_content, monkeypatch, caplog
):
    """The forked indexer's error reaches the build's log with its reason;
    the output keeps the index it had; a publish (strict) build stops."""
    content = make_content(ARTICLES)
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(content, out, CACHE_PATH=str(cache))
    entry = (out / "pagefind/pagefind-entry.json").read_bytes()
    report = content / "tin-tuc/c.md"
    report.write_text(
        report.read_text(encoding="utf-8").replace("văn hóa.", "văn hóa mới."),
        encoding="utf-8",
    )

    def full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(search, "write_bundle", full)  # the forks inherit it
    build(content, out, CACHE_PATH=str(cache))
    assert "Không tạo được chỉ mục tìm kiếm" in caplog.text
    assert "No space left on device" in caplog.text
    assert (out / "pagefind/pagefind-entry.json").read_bytes() == entry
    with pytest.raises(SystemExit):
        build(content, out, CACHE_PATH=str(cache), PORTAL_STRICT=True)
    assert (out / "pagefind/pagefind-entry.json").read_bytes() == entry


def test_the_fast_path_of_exotic_skips_no_character_it_must_see():
    """exotic() looks only at what its plain-text pattern leaves: no
    character in that pattern may be an emoji or an exotic category."""
    plain = [chr(c) for c in range(0x110000) if fossick._PLAIN_TEXT.fullmatch(chr(c))]
    assert len(plain) > 1000  # ASCII, Latin, tone marks, punctuation, currency
    for c in plain:
        assert not fossick._EMOJI.match(c), hex(ord(c))
        if not ("\u0300" <= c <= "\u036f"):
            assert unicodedata.category(c) not in fossick._EXOTIC_CATEGORIES, hex(
                ord(c)
            )


def _article(
    title,
    body,
    ward="Nghi Hòa",
    topics=("Quốc phòng – An ninh",),
    authors=("Minh Anh",),
):
    """What search.records reads of a report."""
    import datetime

    named = types.SimpleNamespace
    return named(
        title=title,
        date=datetime.datetime(2024, 1, 10, 8, 0),
        ward=named(full_name=f"phường {ward}") if ward else None,
        topics=[named(name=t) for t in topics],
        authors=[named(name=a) for a in authors],
        _content=body,
        save_as="tin-tuc/x/index.html",
    )


RECORDS = [
    *(_article(title, body) for title, body in BODIES.values()),
    _article("A &amp; B “Hội” <nghị> 'x' \"y\"", "<p>Chữ.</p>", authors=()),
    _article("Tiêu đề?", "<p>Chữ</p>", ward=None, topics=()),
    _article("Tiêu đề", "<p>Chữ</p>", topics=("Văn hóa & Thể thao", "Y tế")),
    _article("   ", "<p>Chữ</p>"),
    _article("Đảng uỷ", "<p>Đ/c Đức</p><!-- chú thích -->", authors=("", "Ngọc")),
    _article("Ba ___PAGEFIND_ANCHOR___x", "<p>Chữ</p>"),
    _article("Mở", "<p>Thẻ chưa đóng <b>đậm"),
    _article("Hỏng", '<p>Thẻ hỏng <img alt="x'),
    _article("Nav", "<nav>Điều hướng</nav><label>Nhãn</label><p>Chữ</p>"),
    _article("Main", "<p>Chữ</p></main><p>Sau</p>"),
]


def test_a_record_read_from_its_pieces_is_the_record_parsed():
    """The shards read each record from its pieces (search.records.parsed,
    only the body parsed): the same digest, filters, metadata and anchors
    as fossick.parse of the whole record, or None where it cannot tell."""
    from search.records import _Pieces, parsed, record

    direct = 0
    for article in RECORDS:
        known = parsed(_Pieces(article))
        if known is not None:
            assert vars(known) == vars(fossick.parse(record(article))), article.title
            direct += 1
    # Every body an editor's Markdown can make is read from its pieces:
    # only Pagefind's markers in the text, a blank title, and bodies that
    # would close or hide the record's own elements are parsed whole.
    fallbacks = {a.title for a in RECORDS if parsed(_Pieces(a)) is None}
    assert fallbacks == {
        BODIES["cases"][0],  # ___PAGEFIND_ in its text
        BODIES["blank"][0],
        "   ",
        "Ba ___PAGEFIND_ANCHOR___x",
        "Đảng uỷ",  # a comment
        "Hỏng",
        "Nav",
        "Main",
    }
    assert direct == len(RECORDS) - len(fallbacks)


def _normalized_by_pagefinds_rules(text: str) -> str:
    """normalize_content as Pagefind writes it, rule by rule (the writer
    takes a shortcut when the text's only white space is spaces and
    newlines)."""
    import html
    import re

    spaces = fossick.WHITE_SPACE
    text = html.unescape(text).strip(spaces)
    text = re.sub(r"(?:\n|\r\n)+", " ", text)
    return re.sub(f"[{spaces}]{{2,}}", " ", text)


SPACED = [
    "",
    "  Hội nghị  tổng kết \n\n năm 2023 ",
    "Hòa\nHoà",
    "a\r\nb\r\n\r\nc",
    "a\tb  c",
    "lone\u00a0no-break space",
    "two\u00a0\u00a0no-break",
    "em\u2003space \n and\u3000ideographic",
    "separators\x1c\x1dkept?",
    "\n\nleading and trailing\n ",
    "&amp; &nbsp;entities&#32;&#32;spaced",
]


@pytest.mark.parametrize("text", SPACED)
def test_normalize_content_follows_pagefinds_rules(text):
    assert fossick.normalize_content(text) == _normalized_by_pagefinds_rules(text)


@pytest.mark.parametrize(
    "digest",
    [
        "a ___PAGEFIND_AUTO_WEIGHT___7 Tiêu đề ___END_PAGEFIND_WEIGHT___ thân bài",
        "___PAGEFIND_ANCHOR___h2:0:muc-1 đầu",
        "x___PAGEFIND_WEIGHT___2 inside a word is text",
        "____PAGEFIND_WEIGHT___2 four underscores",
        "a\u00a0___PAGEFIND_WEIGHT___3 after a no-break space",
        "a ___PAGEFIND_WEIGHT___3x___END_PAGEFIND_WEIGHT___ glued",
        "no markers at all",
    ],
)
def test_markers_are_split_out_as_pagefind_does(digest):
    """The writer finds markers by their literal start and checks the white
    space before them by hand; Pagefind's rule is a whole word."""
    import re

    spaces = fossick.WHITE_SPACE
    reference = re.compile(
        f"(?<![^{spaces}])(___(?:PAGEFIND_ANCHOR|PAGEFIND_WEIGHT|"
        f"PAGEFIND_AUTO_WEIGHT|END_PAGEFIND_WEIGHT)___[^{spaces}]*)"
    )
    assert fossick._split_markers(digest) == reference.split(digest)


def _reference_entries(pages: list) -> dict:
    """Each key's page list as Pagefind 1.5 writes it, one entry at a time
    with cbor2 (search.wordindex makes them all at once): ``[page delta,
    locations, meta locations]``; a location list starts at the plain
    weight and each change of weight is a marker ``-(weight + 1)`` before
    an absolute position, the rest differences; metadata likewise by
    field.  ``pages`` holds each page's (key, weight, position) and (key,
    field, position)."""
    plain = wordindex.PLAIN
    found = {}
    for key in sorted({k for locations, meta in pages for k, _, _ in locations + meta}):
        cbor, numbers, listed, last_page = b"", 0, [], 0
        for number, (locations, meta) in enumerate(pages):
            mine = sorted(
                (0 if w == plain else w, p, w) for k, w, p in locations if k == key
            )
            fields = sorted((f, p) for k, f, p in meta if k == key)
            if not mine and not fields:
                continue
            located, weight, last = [], plain, 0
            for _, position, w in mine:
                if w != weight:
                    located += [-w - 1, position]
                    weight = w
                else:
                    located.append(position - last)
                last = position
            described, field, last = [], None, 0
            for f, position in fields:
                if f != field:
                    described.append(-f - 1)
                    field, last = f, 0
                described.append(position - last)
                last = position
            delta = number - last_page if listed else number
            cbor += cbor2.dumps([delta, located, described])
            numbers += len(located) + len(described) + 1
            listed.append((number, not mine))
            last_page = number
        found[key] = (
            cbor,
            listed[-1][0],
            len(listed),
            numbers,
            listed[0][0],
            int(listed[0][1]),
        )
    return found


@pytest.mark.parametrize("large", [False, True], ids=["small", "past-16-bits"])
@pytest.mark.parametrize("at_once", [wordindex.SLICE, 50], ids=["whole", "sliced"])
def test_word_entries_are_encoded_as_pagefind_lists_them(large, at_once):
    """Rows of many weights, compound parts among the words they belong
    after, metadata, and (``large``) key numbers and positions past 16
    bits, which take the wide paths: all at once (or ``at_once`` rows at a
    time, cut between words), the bytes one entry at a time would give."""
    rng = random.Random(11 + large)
    base = 70_000 if large else 0
    keys = [*range(25)]
    if large:  # 65,536 and 0 are the same in 16 bits
        keys = [*range(5), *range(1 << 16, (1 << 16) + 10), *range(base, base + 10)]
    rows, pages = wordindex.Rows(), []
    for number in range(60):
        runs, parts, meta = [], [], []
        position = base
        for weight in rng.sample([24, 168, 0, wordindex.PLAIN, 12], k=3):
            ids = [rng.choice([-2, *keys]) for _ in range(rng.randint(0, 40))]
            runs.append((weight, position, ids))
            position += len(ids) + rng.choice([0, 0, 30, 300])  # 1-3 byte numbers
        for _ in range(rng.randint(0, 6)):
            at = rng.randrange(base, position + 1)
            parts.append((rng.choice(keys), rng.choice([24, 12, 8]), at))
        for _ in range(rng.randint(0, 6)):
            name = rng.choice(["date", "title"])
            meta.append((name, rng.randrange(12), rng.choice(keys)))
        field = {"date": 0, "title": 1}
        page = types.SimpleNamespace(runs=runs, parts=parts, meta_words=meta)
        rows.page(number, page, field)
        locations = [
            (k, w, start + i)
            for w, start, ids in runs
            for i, k in enumerate(ids)
            if k >= 0
        ] + parts
        pages.append((locations, [(k, field[n], p) for n, p, k in meta]))
    assert rows.encode(at_once) == _reference_entries(pages)
