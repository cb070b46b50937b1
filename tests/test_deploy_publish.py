"""Publishing under stress: two at once, a crash at each step, a full disk,
no SITEURL.  Every case leaves a whole site and says what happened."""

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, real_content_with
from test_deploy import SITEURL, publish, tree

PELICAN = str(Path(sys.executable).parent / "pelican")


@pytest.fixture(scope="module")
def content(tmp_path_factory):
    return real_content_with(tmp_path_factory.mktemp("content"), {})


@pytest.fixture(scope="module")
def clean(content, tmp_path_factory):
    """A publish on its own, to compare the others with."""
    out = tmp_path_factory.mktemp("clean") / "output"
    result = publish(content, out)
    assert result.returncode == 0, result.stderr
    return out


def other_content(folder: Path) -> Path:
    """The real content and one more report: another site to replace."""
    report = (
        "Title: Phường Nghi Hòa ra quân vệ sinh môi trường\nDate: 2024-02-01\n"
        "Ward: Nghi Hòa\nTopics: Quốc phòng – An ninh\n\nSáng 01/02/2024, ...\n"
    )
    return real_content_with(folder, {"tin-tuc/2024/ve-sinh.md": report})


def same_site(a: Path, b: Path) -> bool:
    files = tree(a)
    _, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    return files == tree(b) and mismatch == errors == [] and len(files) > 50


def left_over(out: Path) -> list[str]:
    """Anything beside the published site but its one release and the lock."""
    releases = out.with_name("output.releases")
    current = out.resolve().name if out.is_symlink() else None
    beside = [p.name for p in out.parent.iterdir()]
    return sorted(
        [n for n in beside if n not in ("output", "output.lock", "output.releases")]
        + [p.name for p in releases.iterdir() if p.name != current]
    )


def start(content: Path, out: Path, **environ) -> subprocess.Popen:
    env = dict(os.environ, SITEURL=SITEURL, **environ)
    script = str(ROOT / "deploy/publish.py")
    return subprocess.Popen(
        [sys.executable, script, str(content), str(out), "--pelican", PELICAN],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_two_publishes_at_once_take_turns(content, clean, tmp_path):
    out = tmp_path / "site" / "output"
    runs = [start(content, out), start(content, out)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    assert [code for code, _, _ in results] == [0, 0], results
    waited = [err for _, _, err in results if "Một lần đăng khác đang chạy" in err]
    assert len(waited) == 1  # the second waited for the first
    assert not any("Traceback" in err for _, _, err in results)
    assert same_site(out, clean)
    assert [p.name for p in out.with_name("output.releases").iterdir()] == [
        out.resolve().name
    ]


@pytest.mark.parametrize(
    ("step", "serving"),
    [
        ("precompress", "old"),  # while finishing the new release
        ("before-swap", "old"),  # the new release whole, not yet switched in
        ("after-swap", "new"),  # switched, the old release not yet removed
    ],
)
def test_a_crash_at_any_step_leaves_a_whole_site(
    content, clean, tmp_path, step, serving
):
    out = tmp_path / "site" / "output"
    old_content = other_content(tmp_path / "old")
    assert publish(old_content, out).returncode == 0
    old_home = (out / "index.html").read_bytes()
    crashed = publish(content, out, PUBLISH_TEST_HOOK=f"crash:{step}")
    assert crashed.returncode == -9  # SIGKILL, as kill -9
    home = (out / "index.html").read_bytes()
    assert (home == old_home) == (serving == "old")
    if serving == "new":
        assert same_site(out, clean)
    again = publish(content, out)
    assert again.returncode == 0, again.stderr
    assert "Khôi phục: đã xóa 1 thư mục dở dang" in again.stderr
    assert same_site(out, clean) and left_over(out) == []


def test_a_crash_between_the_two_renames_is_repaired_and_said(
    content, clean, tmp_path, make_content
):
    """A plain output/ folder (an older publish, or make html) is moved aside
    before the link takes its place: a crash between the two renames leaves
    no output/; the next publish puts the newest whole release back first,
    and its messages say so, even when it fails itself.  The newest is the
    release that had passed every check, not the folder it was replacing."""
    out = tmp_path / "site" / "output"
    other = tmp_path / "other" / "output"
    assert publish(other_content(tmp_path / "old"), other).returncode == 0
    shutil.copytree(other, out)  # a plain folder with another site
    crashed = publish(content, out, PUBLISH_TEST_HOOK="crash:between-renames")
    assert crashed.returncode == -9 and not out.exists()
    broken = make_content(
        {
            "a.md": "Title: Tin\nDate: 2024-01-01\nWard: Nghi Hòa\nTopics: QP-AN\n\n"
            "Xem [báo cáo](/tai-lieu/khong-co.pdf).\n"
        }
    )
    failed = publish(broken, out)
    assert failed.returncode == 1
    assert "Khôi phục: " in failed.stderr and "bị thiếu" in failed.stderr
    assert "KHÔNG ĐĂNG" in failed.stderr and "/tai-lieu/khong-co.pdf" in failed.stderr
    assert "được giữ nguyên" in failed.stderr
    assert (out / "index.html").is_file() and same_site(out, clean)
    again = publish(content, out)
    assert again.returncode == 0 and same_site(out, clean)
    assert left_over(out) == []


def tmpfs(where: Path, size: str) -> bool:
    """Mount a tmpfs of ``size`` at ``where`` when this process may."""
    where.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
    )
    return mounted.returncode == 0


def used(folder: Path) -> int:
    """Bytes on disk: whole blocks, as a tmpfs counts them."""
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*"))


def test_a_full_disk_stops_with_a_message_and_cleans_up(content, clean, tmp_path):
    """Room for one site and a half: the second publish runs out of space in
    the middle.  If no tmpfs can be mounted here, ENOSPC is injected."""
    disk = tmp_path / "disk"
    room = used(clean) * 3 // 2
    real = tmpfs(disk, f"{room // 1024}k")
    try:
        out = disk / "output"
        small = other_content(tmp_path / "other")
        first = publish(small, out)
        assert first.returncode == 0, first.stderr
        before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
        hook = {} if real else {"PUBLISH_TEST_HOOK": "enospc:precompress"}
        full = publish(content, out, **hook)
        assert full.returncode == 1
        assert "KHÔNG ĐĂNG: hết dung lượng đĩa" in full.stderr, full.stderr
        assert "Traceback" not in full.stdout + full.stderr
        assert "được giữ nguyên" in full.stderr
        assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
        assert left_over(out) == []  # the temporary release is gone
    finally:
        if real:
            subprocess.run(["umount", str(disk)], check=True)


def test_publish_without_siteurl_stops_and_names_it(tmp_path):
    """make publish as the editor's guide says to run it, with no SITEURL:
    no site with an example address, a message naming SITEURL."""
    content = other_content(tmp_path)
    out = tmp_path / "site" / "output"
    env = {k: v for k, v in os.environ.items() if k != "SITEURL"}
    made = subprocess.run(
        ["make", "-s", "publish", f"INPUTDIR={content}", f"OUTPUTDIR={out}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert made.returncode != 0
    assert "KHÔNG ĐĂNG: chưa có SITEURL" in made.stderr
    assert "SITEURL=https://" in made.stderr and "publishconf.py" in made.stderr
    assert not out.exists()
    with_url = publish(content, out, siteurl="https://phuong.example.vn")
    assert with_url.returncode == 0
    assert "https://phuong.example.vn/" in (out / "sitemap.xml").read_text()
