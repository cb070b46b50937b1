"""The CMS at /admin/ in a real browser, against its real local backend.

Debian's chromium (Playwright) opens /admin/ of a built site served by
Debian's nginx with deploy/nginx.conf (its /admin/ policy, only the local
backend's port swapped in), and decap-server (npm, cms/) writes into a copy
of content/ in tmp_path, never the repository's own. Screenshots go to
test-artifacts/; with CMS_SCREENSHOTS=1 also to docs/img/ (docs/cms.md shows
them).
"""

import difflib
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request
from contextlib import contextmanager

import pytest
import yaml
from cms.config import cms_config
from conftest import CONTENT, ROOT, SEEDS, build, need, soup
from PIL import Image
from portal.registry import load_registry, parse_registry

from cms import DEFAULTS, cms_settings

sys.path.insert(0, str(ROOT / "deploy"))
import local_nginx

DECAP_SERVER = ROOT / "cms/node_modules/decap-server/dist/index.js"
ARTIFACTS = ROOT / "test-artifacts"
MAX_UPLOAD_MB = 0.5  # CMS_MAX_UPLOAD_MB of the test build: a big photo is cheap

TITLE = "Phường Đức Thuận ra quân bảo đảm an toàn giao thông"
SLUG = "phuong-duc-thuan-ra-quan-bao-dam-an-toan-giao-thong"
LEAD = (
    "Sáng ngày 15/3/2024, Đoàn Thanh niên phường Đức Thuận ra quân tuyên truyền "
    "an toàn giao thông. Dịp này, UBND phường khen thưởng cho 01 tập thể, "
    "04 cá nhân có thành tích xuất sắc."
)
CAPTION = "Đoàn viên ra quân tại ngã tư (Ảnh: Minh Tâm)"
# What the reader expects, as `make new` writes it (plugins/editor).
EXPECTED = f"""Title: {TITLE}
Date: 2024-03-15 14:30
Ward: Đức Thuận
Topics: An toàn giao thông, Đoàn thể – Hội
Authors: Minh Tâm
Summary: Đoàn viên phường Đức Thuận ra quân tuyên truyền an toàn giao thông.
Status: published

{LEAD}

![Đoàn viên ra quân](images/2024/ra-quan.jpg)
{CAPTION}
"""


REPORT = "Title: Tin\nDate: 2025-02-03\nWard: Đức Thuận\nTopics: Y tế\n\nNội dung.\n"


def registry():
    return load_registry(CONTENT / "data/registry.toml")


@pytest.mark.parametrize(
    "backend, local, workflow",
    [
        ({"name": "github", "repo": "a/b"}, True, "editorial_workflow"),
        ({"name": "gitlab", "repo": "a/b"}, "http://127.0.0.1:9/api/v1", "editorial_workflow"),
        ({"name": "gitea", "repo": "a/b"}, None, None),
    ],
)  # fmt: skip
def test_config_from_the_registry_and_settings(backend, local, workflow):
    settings = dict(DEFAULTS, CMS_BACKEND=backend, CMS_LOCAL_BACKEND=local)
    registry = parse_registry(
        {
            "ward": [
                {"name": "Nghi Hòa", "town": "thị xã Cửa Lò", "province": "Nghệ An"}
            ],
            "topic": [{"name": "Y tế"}],
        }
    )
    config = cms_config(registry, settings)
    assert config["backend"] == backend and config["locale"] == "vi"
    assert config.get("publish_mode") == workflow
    assert config.get("local_backend") == (
        {"url": local} if isinstance(local, str) else local
    )
    fields = {f["name"]: f for f in config["collections"][0]["fields"]}
    assert fields["ward"]["options"] == [
        {"label": "Nghi Hòa (thị xã Cửa Lò)", "value": "Nghi Hòa"}
    ]
    assert fields["topics"]["options"] == [{"label": "Y tế", "value": "Y tế"}]
    assert fields["title"].get("required", True) and fields["ward"].get(
        "required", True
    )
    assert config["collections"][0]["folder"] == "content/tin-tuc"


@pytest.mark.parametrize(
    "override",
    [{"CMS_BACKEND": "github"}, {"CMS_BACKEND": {}}, {"CMS_MAX_UPLOAD_MB": 0}],
)
def test_unusable_settings_are_named(override, caplog):
    assert cms_settings({**DEFAULTS, **override}) is None
    assert next(iter(override)) in caplog.text


def test_build_writes_admin_with_the_registrys_config(tmp_path, make_content):
    content = make_content({"a.md": REPORT})
    out = tmp_path / "out"
    build(content, out, SEARCH_INDEX=False)
    admin = out / "admin"
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    with (content / "data/registry.toml").open("rb") as f:
        wards = [w["name"] for w in tomllib.load(f)["ward"]]
    ward = next(f for f in config["collections"][0]["fields"] if f["name"] == "ward")
    assert [o["value"] for o in ward["options"]] == wards
    page = soup(admin / "index.html")
    assert [s["src"] for s in page.find_all("script")] == [
        "decap-cms.js",
        "vi.js",
        "admin.js",
    ]
    for name in ("decap-cms.js", "admin.js", "vi.js", "preview.css"):
        assert (admin / name).is_file(), name
    assert "licence: MIT" in (admin / "decap-cms.LICENSE").read_text(encoding="utf-8")


def test_build_without_the_npm_packages_warns_and_goes_on(
    tmp_path, make_content, caplog
):
    content = make_content({"a.md": REPORT})
    out = tmp_path / "out"
    build(content, out, SEARCH_INDEX=False, CMS_PACKAGES=str(tmp_path / "none"))
    assert not (out / "admin").exists()
    assert (out / "index.html").exists()
    assert any("make html" in r.getMessage() for r in caplog.records)


def start_decap_server(repo, port, mode="fs"):
    node = need("node", "nodejs")
    if not DECAP_SERVER.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("decap-server is missing: make test installs cms/ (npm ci)")
        pytest.skip("decap-server is not installed: make test installs it (npm ci)")
    env = dict(
        os.environ,
        PORT=str(port),
        BIND_HOST="127.0.0.1",
        GIT_REPO_DIRECTORY=str(repo),
        MODE=mode,
        LOG_LEVEL="warn",
        # git mode commits each save: an identity on a machine without one
        GIT_AUTHOR_NAME="Tin phường",
        GIT_AUTHOR_EMAIL="cms@tin.example.vn",
        GIT_COMMITTER_NAME="Tin phường",
        GIT_COMMITTER_EMAIL="cms@tin.example.vn",
    )
    proc = subprocess.Popen([node, str(DECAP_SERVER)], env=env, cwd=repo)
    api = f"http://127.0.0.1:{port}/api/v1"
    for _ in range(100):
        try:
            request = urllib.request.Request(
                api, data=b'{"action":"info"}', method="POST"
            )
            request.add_header("Content-Type", "application/json")
            urllib.request.urlopen(request, timeout=1)
            return proc, api
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"decap-server ended: exit {proc.returncode}")
            time.sleep(0.1)
    proc.terminate()
    pytest.fail("decap-server did not answer")


@contextmanager
def served_cms(root, mode="fs"):
    """(admin URL, content folder, API URL) of a built copy of content/ served
    by nginx, with decap-server in ``mode`` writing into that copy."""
    need("nginx")
    repo = root / "repo"
    content = repo / "content"
    shutil.copytree(CONTENT, content)
    if mode == "git":
        git = ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@t"]
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "."],
            ["commit", "-qm", "0"],
        ):
            subprocess.run(git + args, check=True)
    port = local_nginx.free_port()
    server, api = start_decap_server(repo, port, mode)
    saved = local_nginx.CONF
    try:
        out = root / "out"
        build(
            content,
            out,
            CMS_LOCAL_BACKEND=api,
            CMS_MAX_UPLOAD_MB=MAX_UPLOAD_MB,
            SEARCH_INDEX=False,
            PHOTOS_CACHE=str(root / "cache"),
        )
        # deploy/nginx.conf as it is, the local backend's port aside.
        conf = root / "nginx-site.conf"
        text = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
        assert "http://127.0.0.1:8081" in text
        conf.write_text(text.replace(":8081", f":{port}"), encoding="utf-8")
        local_nginx.CONF = conf
        with local_nginx.serve(out, root / "nginx", local_nginx.free_port()) as base:
            yield f"{base}/admin/", content, api
    finally:
        local_nginx.CONF = saved
        server.terminate()
        server.wait(timeout=5)


@pytest.fixture(scope="module")
def cms(tmp_path_factory):
    """The CMS writing files straight into content/ (decap-server's fs mode)."""
    with served_cms(tmp_path_factory.mktemp("cms")) as served:
        yield served


@contextmanager
def admin_page(browser, admin):
    """A logged-in page of the CMS; fails on any CSP violation or page error."""
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.violations = []
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    # What the site's CSP blocked (nginx's /admin/ policy), if anything.
    page.on(
        "console",
        lambda m: (
            "Content Security Policy" in m.text and page.violations.append(m.text)
        ),
    )
    page.goto(admin)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Bản tin").first.wait_for()
    yield page
    context.close()
    assert not page.violations, page.violations
    assert not page.errors, page.errors


@pytest.fixture
def page(browser, cms):
    with admin_page(browser, cms[0]) as page:
        yield page


def screenshot(page, name, **options):
    """Once fades and slides are over and images loaded (docs/img shows these)."""
    page.wait_for_function(
        """() => document.getAnimations().every(a => a.playState !== 'running')
                 && [...document.images].every(i => i.complete)"""
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), **options)
    if os.environ.get("CMS_SCREENSHOTS") == "1":
        (ROOT / "docs/img").mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / name, ROOT / "docs/img" / name)


def new_report(page, admin):
    page.goto(admin + "#/collections/tin-tuc/new")
    page.get_by_label("Tiêu đề").wait_for()


def field(page, label):
    """The form's field whose label starts with ``label`` (optional fields
    add "(không bắt buộc)")."""
    return page.get_by_label(re.compile(f"^{re.escape(label)}"))


def choose(page, label, option):
    field(page, label).click()
    page.get_by_role("option", name=option, exact=True).click()


def photo(path, size=(1200, 800), noise=False):
    image = Image.effect_noise(size, 90).convert("RGB") if noise else None
    (image or Image.new("RGB", size, (30, 120, 200))).save(path, quality=95)
    return path


def upload_figure(page, file):
    """Insert a figure in the body and upload ``file`` into it."""
    page.get_by_title("Chèn ảnh có chú thích").click()
    page.get_by_role("menuitem", name="Ảnh có chú thích").click()
    page.get_by_role("button", name="Chọn một hình").last.click()
    page.get_by_role("button", name="Tải lên").wait_for()
    page.locator("input[type=file]").set_input_files(str(file))


def publish_now(page, wait=True):
    """Save with the simple workflow's "publish now"; ``wait``: until Decap
    says the backend has written the file (it is not written atomically)."""
    page.get_by_role("button", name="Công bố", exact=True).click()
    page.get_by_role("menuitem", name="Công bố ngay").click()
    if wait:
        toast(page, "Mục đã được lưu")


def toast(page, text):
    """Decap's notification saying ``text``, once it has slid into view."""
    note = page.get_by_role("alert").filter(has_text=text).last
    note.wait_for()
    page.wait_for_function(
        "note => note.getBoundingClientRect().right <= window.innerWidth",
        arg=note.element_handle(),
    )
    return note


def test_admin_has_its_own_policy_and_public_pages_keep_theirs(cms):
    admin, _, _ = cms
    site = admin.removesuffix("admin/")

    def policy(url):
        with urllib.request.urlopen(url) as response:
            return response.headers["Content-Security-Policy"]

    public, cms_policy = policy(site), policy(admin)
    assert "unsafe" not in public.replace("'wasm-unsafe-eval'", "")
    assert "blob:" not in public and "api.github.com" not in public
    assert "'unsafe-eval'" in cms_policy and "https://api.github.com" in cms_policy
    assert policy(admin + "config.yml") == cms_policy
    assert policy(site + "gioi-thieu/") == public


def test_ward_and_topic_selects_list_exactly_the_registry(cms, page):
    admin, _, _ = cms
    new_report(page, admin)
    data = registry()
    page.get_by_label("Phường", exact=True).click()
    wards = [o.inner_text() for o in page.get_by_role("option").all()]
    assert wards == [f"{w.name} ({w.town})" for w in data.wards]
    page.keyboard.press("Escape")
    page.get_by_label("Chủ đề", exact=True).click()
    topics = [o.inner_text() for o in page.get_by_role("option").all()]
    assert topics == [t.name for t in data.topics]
    page.keyboard.press("Escape")
    # The form cannot take a ward that is not in the registry: typing one
    # offers nothing to choose.
    page.get_by_label("Phường", exact=True).fill("Phường Mới")
    assert page.get_by_role("option").count() == 0


def test_report_written_from_the_browser_is_what_the_reader_reads(cms, page, tmp_path):
    admin, content, _ = cms
    new_report(page, admin)
    page.get_by_label("Tiêu đề").fill(TITLE)
    page.get_by_label("Ngày đăng").fill("2024-03-15T14:30")
    choose(page, "Phường", "Đức Thuận (thị xã Hồng Lĩnh)")
    choose(page, "Chủ đề", "An toàn giao thông")
    choose(page, "Chủ đề", "Đoàn thể – Hội")
    field(page, "Tác giả").fill("Minh Tâm")
    field(page, "Tóm tắt").fill(
        "Đoàn viên phường Đức Thuận ra quân tuyên truyền an toàn giao thông."
    )
    choose(page, "Trạng thái", "Đăng")
    page.locator("[data-slate-editor]").click()
    page.keyboard.type(LEAD)
    page.keyboard.press("Enter")
    upload_figure(page, photo(tmp_path / "ra-quan.jpg"))
    page.get_by_text("ra-quan.jpg").wait_for()  # uploaded, in the library
    screenshot(page, "cms-anh.png")
    page.get_by_role("button", name="Lấy những cái đã chọn").click()
    page.get_by_label("Mô tả ảnh (cho người khiếm thị)").fill("Đoàn viên ra quân")
    page.get_by_label("Chú thích (dòng dưới ảnh)").fill(CAPTION)
    screenshot(page, "cms-soan-tin.png")
    publish_now(page)

    report = content / f"tin-tuc/2024/{SLUG}.md"
    page.wait_for_url(f"**/entries/2024/{SLUG}")
    assert report.read_text(encoding="utf-8") == EXPECTED
    uploaded = content / "images/2024/ra-quan.jpg"
    assert uploaded.read_bytes() == (tmp_path / "ra-quan.jpg").read_bytes()

    # make check passes on it
    check = subprocess.run(
        [sys.executable, "-m", "editor", "check", str(content)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "plugins")),
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert SLUG not in check.stdout

    # a build shows it with its figure and award box
    out = tmp_path / "out"
    build(content, out, SEARCH_INDEX=False, PHOTOS_CACHE=str(tmp_path / "cache"))
    article = soup(out / f"tin-tuc/2024/03/{SLUG}/index.html")
    assert article.h1.get_text(strip=True) == TITLE
    figure = article.select_one("figure.photo")
    assert figure.img["alt"] == "Đoàn viên ra quân"
    assert figure.figcaption.get_text(" ", strip=True) == CAPTION.replace(
        " (Ảnh: Minh Tâm)", " Ảnh: Minh Tâm"
    )
    award = article.select_one(".award-box .award-count").get_text(strip=True)
    assert award == "1 tập thể, 4 cá nhân"

    # edit it: one more author, a summary changed; the diff is just that
    page.goto(admin + f"#/collections/tin-tuc/entries/2024/{SLUG}")
    field(page, "Tác giả").fill("Minh Tâm, Duy Quý")
    field(page, "Tóm tắt").fill("Đoàn viên ra quân vì an toàn giao thông.")
    publish_now(page)
    edited = report.read_text(encoding="utf-8")
    diff = [
        line
        for line in difflib.unified_diff(
            EXPECTED.splitlines(), edited.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == [
        "-Authors: Minh Tâm",
        "-Summary: Đoàn viên phường Đức Thuận ra quân tuyên truyền an toàn giao thông.",
        "+Authors: Minh Tâm, Duy Quý",
        "+Summary: Đoàn viên ra quân vì an toàn giao thông.",
    ]
    page.goto(admin + "#/collections/tin-tuc")
    page.get_by_text(TITLE).first.wait_for()
    screenshot(page, "cms-danh-sach.png")


def test_refusals_non_photo_too_large_and_missing_ward_or_title(cms, page, tmp_path):
    admin, content, _ = cms
    before = sorted(p.relative_to(content) for p in content.rglob("*"))
    new_report(page, admin)
    messages = []
    page.on("dialog", lambda d: (messages.append(d.message), d.accept()))
    page.locator("[data-slate-editor]").click()
    page.keyboard.type("Nội dung chưa có tiêu đề, chưa có phường.")
    page.keyboard.press("Enter")

    notes = tmp_path / "bien-ban.pdf"
    notes.write_bytes(b"%PDF-1.4 bi\xc3\xaan b\xe1\xba\xa3n\n")
    upload_figure(page, notes)
    big = photo(tmp_path / "anh-lon.jpg", (1600, 1200), noise=True)
    assert big.stat().st_size > MAX_UPLOAD_MB * 1024 * 1024
    page.locator("input[type=file]").set_input_files(str(big))
    page.wait_for_function("() => true")
    size = f"{big.stat().st_size / 1048576:.1f}".replace(".", ",")
    assert messages == [
        "Không tải lên được «bien-ban.pdf»: tệp này không phải ảnh. Chỉ nhận ảnh "
        "JPEG, PNG, WebP hoặc GIF — hãy chọn tệp ảnh.",
        f"Không tải lên được «anh-lon.jpg»: ảnh nặng {size} MB, quá giới hạn "
        "0,5 MB. Hãy thu nhỏ ảnh (hoặc chọn ảnh khác) rồi tải lên lại.",
    ]
    # neither reached the media library
    assert page.get_by_text("bien-ban.pdf").count() == 0
    assert page.get_by_text("anh-lon.jpg").count() == 0
    page.get_by_role("button", name="Đóng").click()

    # no title, no ward: the form refuses to save and says which fields
    publish_now(page, wait=False)
    toast(page, "Còn thiếu thông tin bắt buộc")
    assert page.get_by_text("Tiêu đề bắt buộc nhập.").is_visible()
    assert page.get_by_text("Phường bắt buộc nhập.").is_visible()
    page.get_by_text("Tiêu đề bắt buộc nhập.").scroll_into_view_if_needed()
    screenshot(page, "cms-thieu-thong-tin.png")
    after = sorted(p.relative_to(content) for p in content.rglob("*"))
    assert after == before
    # Decap's own refusal rejects the save's promise without a reason
    # (decap-cms-core persistEntry: `return Promise.reject()`), which the
    # browser reports as an uncaught "undefined"; that one is expected.
    assert page.errors == ["undefined"]
    page.errors.clear()


def test_failed_save_says_so_and_keeps_what_was_typed(cms, page):
    admin, content, api = cms
    new_report(page, admin)
    title = "Nghi Hải tổng kết phong trào văn hóa cơ sở"
    page.get_by_label("Tiêu đề").fill(title)
    page.get_by_label("Ngày đăng").fill("2024-02-20T08:00")
    choose(page, "Phường", "Nghi Hải (thành phố Vinh)")
    choose(page, "Chủ đề", "Văn hóa – Thể thao")
    page.locator("[data-slate-editor]").click()
    page.keyboard.type("Chiều ngày 20/02/2024, UBND phường Nghi Hải tổ chức hội nghị.")

    # The backend is unreachable when the editor saves.
    page.route(api, lambda route: route.abort("connectionrefused"))
    publish_now(page, wait=False)
    toast(page, "Chưa lưu được bài")
    page.get_by_label("Tiêu đề").scroll_into_view_if_needed()
    screenshot(page, "cms-luu-loi.png")
    assert page.get_by_label("Tiêu đề").input_value() == title
    assert "UBND phường Nghi Hải" in page.locator("[data-slate-editor]").inner_text()
    report = content / "tin-tuc/2024/nghi-hai-tong-ket-phong-trao-van-hoa-co-so.md"
    assert not report.exists()
    # Decap rejects the failed save's promise with its failure action
    # (decap-cms-core persistEntry), reported as an uncaught "Object".
    assert page.errors == ["Object"]
    page.errors.clear()

    # Back online, the same form saves what was typed.
    page.unroute(api)
    publish_now(page)
    page.wait_for_url("**/entries/2024/nghi-hai-tong-ket-phong-trao-van-hoa-co-so")
    text = report.read_text(encoding="utf-8")
    assert text.startswith(f"Title: {title}\nDate: 2024-02-20 08:00\nWard: Nghi Hải\n")
    assert text.endswith(
        "\n\nChiều ngày 20/02/2024, UBND phường Nghi Hải tổ chức hội nghị.\n"
    )


def editor_tool(*args):
    result = subprocess.run(
        [sys.executable, "-m", "editor", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "plugins")),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def changed_lines(old: str, new: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(
            old.splitlines(), new.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@pytest.mark.parametrize(
    "made_by", ["make new", "make import", "content/", "content/pages"]
)
def test_cms_keeps_what_make_new_and_make_import_write(cms, page, made_by):
    """Opened in the CMS and saved with one field changed, a file written by
    the other tools changes in that one line only: one format for all."""
    admin, content, _ = cms
    reports = set((content / "tin-tuc").rglob("*.md"))
    if made_by == "make new":
        editor_tool(
            "new", "--title", "Nghi Thu ra quân dọn vệ sinh môi trường",
            "--ward", "Nghi Thu", "--authors", "Duy Quý", "--content", str(content),
        )  # fmt: skip
    elif made_by == "make import":
        seed = next(SEEDS.glob("000_*.txt"))
        editor_tool("import", str(seed), "--content", str(content))
    collection = "tin-tuc"
    if made_by == "content/":
        path = content / "tin-tuc/2024/bac-hong-tong-ket-quoc-phong-an-ninh-2023.md"
        status, change = "Bản nháp (chưa đăng)", ["+Status: draft"]
    elif made_by == "content/pages":
        collection, path = "trang", content / "pages/gioi-thieu.md"
        status, change = "Đăng", ["+Status: published"]
    else:
        (path,) = set((content / "tin-tuc").rglob("*.md")) - reports
        status, change = "Đăng", ["-Status: draft", "+Status: published"]
    before = path.read_text(encoding="utf-8")
    folder = content / ("pages" if collection == "trang" else "tin-tuc")
    entry = path.relative_to(folder).with_suffix("").as_posix()
    page.goto(admin + f"#/collections/{collection}/entries/{entry}")
    choose(page, "Trạng thái", status)
    publish_now(page)
    after = path.read_text(encoding="utf-8")
    assert changed_lines(before, after) == change, after


def test_review_workflow_draft_then_ready_then_published(browser, tmp_path):
    """With a Git backend (decap-server's git mode here, as on GitHub or
    GitLab), a saved report waits on its own branch until it is published."""
    with served_cms(tmp_path, mode="git") as (admin, content, _):
        with admin_page(browser, admin) as page:
            new_report(page, admin)
            page.get_by_label("Tiêu đề").fill("Nghi Tân ra quân làm sạch bãi biển")
            page.get_by_label("Ngày đăng").fill("2024-04-02T07:30")
            choose(page, "Phường", "Nghi Tân (thành phố Vinh)")
            choose(page, "Chủ đề", "Môi trường")
            page.locator("[data-slate-editor]").click()
            page.keyboard.type("Sáng ngày 02/4/2024, phường Nghi Tân ra quân.")
            page.get_by_role("button", name="Lưu", exact=True).click()
            toast(page, "Mục đã được lưu")
            repo = content.parent
            report = content / "tin-tuc/2024/nghi-tan-ra-quan-lam-sach-bai-bien.md"
            branches = subprocess.run(
                ["git", "-C", str(repo), "branch", "--format=%(refname:short)"],
                capture_output=True, text=True, check=True,
            ).stdout.split()  # fmt: skip
            assert "cms/tin-tuc/2024/nghi-tan-ra-quan-lam-sach-bai-bien" in branches
            assert not report.exists()  # not on main until published

            page.get_by_role("button", name="Trạng thái: Bản nháp").click()
            page.get_by_role("menuitem", name="Sẵn sàng").click()
            toast(page, "Trạng thái của mục đã được cập nhật")
            page.goto(admin + "#/workflow")
            page.get_by_text("Nghi Tân ra quân làm sạch bãi biển").wait_for()
            screenshot(page, "cms-bien-tap.png")
            page.get_by_text("Nghi Tân ra quân làm sạch bãi biển").click()
            page.once("dialog", lambda dialog: dialog.accept())  # "publish?"
            page.get_by_role("button", name="Công bố", exact=True).click()
            page.get_by_role("menuitem", name="Công bố ngay").click()
            toast(page, "Mục đã được công bố")
            assert report.read_text(encoding="utf-8").startswith(
                "Title: Nghi Tân ra quân làm sạch bãi biển\nDate: 2024-04-02 07:30\n"
            )
