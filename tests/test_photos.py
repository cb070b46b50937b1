"""Photos: figures from what editors write, renditions that are light and clean."""

import multiprocessing
import os

import pytest
from bs4 import BeautifulSoup
from conftest import build, soup, warnings_logged
from photos import images
from photos.transform import Photo, Rendition, transform
from PIL import Image


def fake_lookup(src):
    """Every photo 1600x1200, renditions as the plugin names them."""
    name = src.split("/")[-1].rsplit(".", 1)[0]
    if "missing" in name:
        return Photo(source=src, error="không tìm thấy tệp ảnh")
    rends = [
        Rendition(f"images/{name}-{w}w.{ext}", w, w * 3 // 4, fmt)
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
        for w in (480, 800, 1200, 1600)
    ]
    return Photo(source=src, width=1600, height=1200, renditions=rends)


def figures(body):
    page = BeautifulSoup(transform(body, fake_lookup).html, "html.parser")
    return page, page.find_all("figure")


def test_image_alone_becomes_a_figure_captioned_by_its_alt():
    _, (fig,) = figures('<p><img alt="Toàn cảnh Hội nghị" src="images/a.jpg"></p>')
    assert fig.figcaption.get_text() == "Toàn cảnh Hội nghị"
    img = fig.picture.img
    assert img["alt"] == "Toàn cảnh Hội nghị"
    assert img["src"] == "/images/a-800w.jpg"
    assert (img["width"], img["height"]) == ("1600", "1200")
    assert img["decoding"] == "async" and not img.get("loading")  # first photo
    assert fig.picture.source["type"] == "image/webp"
    assert fig.picture.source["srcset"].split(", ")[0] == "/images/a-480w.webp 480w"


def test_caption_line_under_the_image_becomes_the_figcaption():
    _, (fig,) = figures('<p><img alt="" src="images/a.jpg">\nĐại biểu phát biểu</p>')
    assert fig.figcaption.get_text() == "Đại biểu phát biểu"
    assert fig.img["alt"] == "Đại biểu phát biểu"


def test_caption_paragraph_after_a_blank_line_is_taken_not_left_stray():
    page, (fig,) = figures(
        '<p><img alt="Ảnh: Toàn cảnh" src="images/a.jpg"></p>\n'
        "<p>Toàn cảnh Hội nghị</p>\n<p>Hội nghị đã thông qua báo cáo.</p>"
    )
    assert fig.figcaption.get_text() == "Toàn cảnh Hội nghị"
    assert [p.get_text() for p in page.find_all("p")] == [
        "Hội nghị đã thông qua báo cáo."
    ]


def test_a_real_sentence_after_a_photo_is_not_a_caption():
    page, (fig,) = figures(
        '<p><img alt="Toàn cảnh" src="images/a.jpg"></p>\n<p>Hội nghị kết thúc.</p>'
    )
    assert fig.figcaption.get_text() == "Toàn cảnh"
    assert page.find("p").get_text() == "Hội nghị kết thúc."


def test_photo_credit_is_kept_apart():
    _, (fig,) = figures(
        '<p><img alt="" src="images/a.jpg">\nToàn cảnh (Ảnh: Duy Quý)</p>'
    )
    assert fig.figcaption.contents[0].strip() == "Toàn cảnh"
    assert fig.figcaption.select_one(".credit").get_text() == "Ảnh: Duy Quý"


def test_photos_in_a_row_are_a_gallery_and_only_the_first_is_eager():
    page, figs = figures(
        '<p><img alt="Một" src="images/a.jpg"></p>\n<p>Đoạn văn.</p>\n'
        '<p><img alt="Hai" src="images/b.jpg"></p>\n'
        '<p><img alt="Ba" src="images/c.jpg"></p>'
    )
    gallery = page.select_one(".gallery")
    assert [f.img["alt"] for f in gallery.find_all("figure")] == ["Hai", "Ba"]
    assert figs[0].img.get("loading") is None
    assert [f.img["loading"] for f in figs[1:]] == ["lazy", "lazy"]


def test_a_report_without_photos_is_left_as_it_is():
    def no_lookup(src):
        raise AssertionError(f"looked up {src} in a report without photos")

    body = "<p>Chiều ngày 10/01/2024, ...</p>\n<p>Toàn cảnh Hội nghị</p>\n"
    result = transform(body, no_lookup)
    assert result.html is body and not (result.photos or result.missing)
    # an editor's own figures in a row still become a gallery
    row = '<figure class="photo">a</figure>\n<figure class="photo">b</figure>\n'
    assert transform(row, no_lookup).html.startswith('<div class="gallery">')


def test_inline_image_stays_inline():
    page, figs = figures(
        '<p>Xem sơ đồ <img alt="sơ đồ" src="images/so-do.png"> dưới.</p>'
    )
    assert figs == []
    assert page.p.img["src"] == "/images/so-do-800w.jpg"
    assert page.p.get_text() == "Xem sơ đồ  dưới."


def test_html_in_captions_is_escaped_text():
    result = transform(
        '<p><img alt="a &lt;b&gt;" src="images/a.jpg">\n'
        "Chú thích &lt;script&gt; <b>đậm</b></p>",
        fake_lookup,
    )
    assert "<script>" not in result.html and "<b>" not in result.html
    fig = BeautifulSoup(result.html, "html.parser").figure
    assert fig.figcaption.get_text() == "Chú thích <script> đậm"
    assert fig.img["alt"] == "a <b>"


def test_missing_photo_gives_a_visible_placeholder():
    result = transform('<p><img alt="x" src="images/missing.jpg"></p>', fake_lookup)
    fig = BeautifulSoup(result.html, "html.parser").figure
    assert "photo-missing" in fig["class"] and fig.select_one('[role="img"]')
    assert [p.source for p in result.missing] == ["images/missing.jpg"]


@pytest.mark.parametrize(
    ("width", "planned"),
    [(4000, [480, 800, 1200, 1600]), (1000, [480, 800, 1000]), (300, [300])],
)
def test_renditions_are_never_upscaled(width, planned):
    assert images.plan_widths(width) == planned


# --- real builds ----------------------------------------------------------

GPS = 0x8825


def write_photo(path, size=(2400, 1800), orientation=1):
    path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.new("RGB", size, (180, 40, 40))
    im.paste((20, 90, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS)[2] = (18.0, 48.0, 0.0)  # latitude
    im.save(path, "JPEG", exif=exif.tobytes(), quality=90)


ARTICLE = """Title: Hội nghị
Date: 2024-01-10
Ward: Nghi Hòa
Topics: QP-AN

Chiều ngày 10/01/2024, phường tổ chức hội nghị.

![Toàn cảnh Hội nghị](images/2024/toan-canh.jpg)

Toàn cảnh Hội nghị

Nội dung chính.

![]({static}/images/2024/doc.jpg)
Đại biểu phát biểu (Ảnh: Duy Quý)
"""


@pytest.fixture
def photo_site(tmp_path, make_content):
    content = make_content({"a.md": ARTICLE})
    write_photo(content / "images/2024/toan-canh.jpg")
    # stored landscape, shown portrait (EXIF orientation 6, as phones do)
    write_photo(content / "images/2024/doc.jpg", size=(1600, 1200), orientation=6)
    return content


def test_build_writes_figures_with_every_rendition_on_disk(photo_site, tmp_path):
    out = tmp_path / "out"
    build(photo_site, out, PHOTOS_CACHE=str(tmp_path / "cache"))
    page = soup(out / "tin-tuc/2024/01/hoi-nghi/index.html")
    figs = page.select(".prose figure.photo")
    assert [f.figcaption.get_text(" ", strip=True) for f in figs] == [
        "Toàn cảnh Hội nghị",
        "Đại biểu phát biểu Ảnh: Duy Quý",
    ]
    for fig in figs:
        img = fig.picture.img
        for srcset in (fig.picture.source["srcset"], img["srcset"]):
            for entry in srcset.split(", "):
                url, width = entry.split()
                with Image.open(out / url.lstrip("/")) as r:
                    assert f"{r.size[0]}w" == width
                    assert not r.getexif().get_ifd(GPS)
                    assert 0x010F not in r.getexif()
        with Image.open(out / img["src"].lstrip("/")) as fallback:
            ratio = int(img["width"]) / int(img["height"])
            assert abs(fallback.size[0] / fallback.size[1] - ratio) < 0.01
    portrait = figs[1].picture.img
    assert int(portrait["height"]) > int(portrait["width"])  # orientation applied
    assert [f.img["width"] for f in figs] == ["1600", "1200"]
    assert not (out / "images/2024/toan-canh.jpg").exists()  # original unpublished
    lead = soup(out / "index.html").select_one(".lead-story picture img")
    assert lead["src"].endswith("images/2024/toan-canh-480w.jpg")
    assert lead["alt"] == "Toàn cảnh Hội nghị"


def test_second_build_does_no_image_work(photo_site, tmp_path):
    settings = dict(PHOTOS_CACHE=str(tmp_path / "cache"), PHOTOS_WORKERS=1)
    before = images.ENCODED["count"]
    build(photo_site, tmp_path / "one", **settings)
    first = images.ENCODED["count"] - before
    assert first == 2 * (4 + 3)  # webp+jpeg: 2400 wide -> 4 widths, 1200 -> 3
    build(photo_site, tmp_path / "two", **settings)
    assert images.ENCODED["count"] - before == first
    assert (tmp_path / "two/images/2024/toan-canh-1600w.webp").exists()


def test_a_fresh_checkout_with_the_cache_kept_does_no_image_work(
    photo_site, tmp_path, monkeypatch
):
    """Renditions are keyed by the photo's bytes: a clone gives every photo a
    new modification time, and the deploy workflow restores the cache
    folder of an earlier run; nothing is encoded again.  Digests are kept
    by file stamp: photos whose stamp is unchanged are not even read."""
    settings = dict(PHOTOS_CACHE=str(tmp_path / "cache"), PHOTOS_WORKERS=1)
    build(photo_site, tmp_path / "one", **settings)
    read = []
    real = images.file_digest
    monkeypatch.setattr(images, "file_digest", lambda p: read.append(p) or real(p))
    build(photo_site, tmp_path / "two", **settings)
    assert read == []
    for photo in (photo_site / "images").rglob("*.jpg"):
        os.utime(photo, ns=(1_700_000_000_000_000_000,) * 2)  # as a clone would
    before = images.ENCODED["count"]
    build(photo_site, tmp_path / "clone", **settings)
    assert images.ENCODED["count"] == before
    assert len(read) == 2  # each photo read once for its digest
    renditions = sorted((tmp_path / "one/images").rglob("*.*"))
    assert len(renditions) == 14
    for r in renditions:
        copy = tmp_path / "clone" / r.relative_to(tmp_path / "one")
        assert copy.read_bytes() == r.read_bytes()


def test_digests_are_kept_by_stamp_and_a_failed_save_is_no_error(tmp_path):
    photo = tmp_path / "a.jpg"
    write_photo(photo, size=(500, 400))
    digests = images.Digests(str(tmp_path / "cache"))
    stamp = images.file_stamp(str(photo))
    digests.record("a.jpg", stamp, images.file_digest(str(photo)))
    digests.save()
    kept = images.Digests(str(tmp_path / "cache"))
    assert kept.known("a.jpg", str(photo)) == images.file_digest(str(photo))
    os.utime(photo, ns=(1, 1))
    assert kept.known("a.jpg", str(photo)) is None  # stamp changed: read again
    (tmp_path / "not-a-folder").write_text("x")
    blocked = images.Digests(str(tmp_path / "not-a-folder" / "photos"))
    blocked.record("a.jpg", stamp, "0" * 32)
    blocked.save()  # cannot be written: the build goes on


def test_two_workers_encoding_the_same_bytes_do_not_collide(tmp_path, monkeypatch):
    """Photos with the same bytes share renditions (content/ has three
    copies of one photo), so two workers may encode them at once; each
    moves its own file into place.  A barrier before every move makes both
    write first, as it happens in a race."""
    src = tmp_path / "a.jpg"
    write_photo(src, size=(900, 600))
    photo = images.plan("a.jpg", str(tmp_path), {})
    cache = tmp_path / "cache"
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(2, timeout=20)
    real = os.replace

    def replace(a, b):
        barrier.wait()
        return real(a, b)

    monkeypatch.setattr(os, "replace", replace)  # in the forked workers too
    workers = [
        fork.Process(target=images.render, args=(str(src), photo, str(cache)))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    made = sorted(p.name for p in cache.iterdir())
    assert len(made) == len(photo.renditions) == 6  # 480, 800, 900 wide, twice
    assert not [name for name in made if name.endswith(".tmp")]


def test_missing_photo_warns_in_dev_and_fails_strict(tmp_path, make_content, caplog):
    content = make_content({"a.md": ARTICLE})
    write_photo(content / "images/2024/doc.jpg")
    settings = build(content, tmp_path / "out", PHOTOS_CACHE=str(tmp_path / "c"))
    assert (
        "content/tin-tuc/a.md: ảnh: images/2024/toan-canh.jpg: không tìm thấy tệp "
        "ảnh — kiểm tra tên tệp và thư mục images/, hoặc chép lại ảnh"
    ) in warnings_logged(caplog.records, settings)
    page = soup(tmp_path / "out/tin-tuc/2024/01/hoi-nghi/index.html")
    assert page.select_one(".photo-missing [role=img]")
    with pytest.raises(SystemExit):
        build(
            content,
            tmp_path / "strict",
            PORTAL_STRICT=True,
            PHOTOS_CACHE=str(tmp_path / "c"),
        )


def test_corrupt_photo_is_reported_not_a_traceback(tmp_path, make_content, caplog):
    content = make_content({"a.md": ARTICLE})
    write_photo(content / "images/2024/doc.jpg")
    (content / "images/2024/toan-canh.jpg").write_bytes(b"not a jpeg at all")
    settings = build(content, tmp_path / "out", PHOTOS_CACHE=str(tmp_path / "c"))
    messages = warnings_logged(caplog.records, settings)
    assert any(
        m.startswith(
            "content/tin-tuc/a.md: ảnh: images/2024/toan-canh.jpg: tệp ảnh hỏng"
        )
        for m in messages
    )


def test_photo_without_caption_or_alt_warns(tmp_path, make_content, caplog):
    content = make_content({"a.md": ARTICLE.replace("Toàn cảnh Hội nghị", "")})
    write_photo(content / "images/2024/toan-canh.jpg")
    write_photo(content / "images/2024/doc.jpg")
    settings = build(content, tmp_path / "out", PHOTOS_CACHE=str(tmp_path / "c"))
    assert (
        "content/tin-tuc/a.md: ảnh: images/2024/toan-canh.jpg: ảnh không có chú "
        "thích — viết chú thích trong ![...] hoặc trên dòng ngay dưới ảnh"
    ) in warnings_logged(caplog.records, settings)


def test_large_photo_is_decoded_at_reduced_scale(tmp_path):
    src = tmp_path / "big.jpg"
    write_photo(src, size=(8000, 6000))
    photo = images.plan("big.jpg", str(tmp_path), {})
    with Image.open(src) as im:
        im.draft("RGB", (1600, 1200))
        assert im.size == (2000, 1500)  # what render() decodes: 1/4 scale
    assert images.render(str(src), photo, str(tmp_path / "c")) == 8


def test_replacing_a_photo_updates_the_page_on_the_next_dev_build(photo_site, tmp_path):
    from conftest import settings_for
    from pelican import Pelican

    pelican = Pelican(
        settings_for(photo_site, tmp_path / "dev", PHOTOS_CACHE=str(tmp_path / "cache"))
    )
    pelican.run()
    small = tmp_path / "dev/images/2024/toan-canh-480w.jpg"
    renditions = [
        p for p in (tmp_path / "cache").iterdir() if p.suffix in (".jpg", ".webp")
    ]
    cached = {p: p.read_bytes() for p in renditions}
    assert any(os.path.samefile(small, p) for p in cached)  # linked, not copied
    write_photo(photo_site / "images/2024/toan-canh.jpg", size=(1000, 1000))
    pelican.run()
    img = soup(tmp_path / "dev/tin-tuc/2024/01/hoi-nghi/index.html").select_one(
        ".prose figure img"
    )
    assert (img["width"], img["height"]) == ("1000", "1000")
    with Image.open(small) as im:
        assert im.size == (480, 480)
    # the old photo's renditions are untouched by the new ones
    assert all(p.read_bytes() == data for p, data in cached.items())
