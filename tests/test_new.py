"""make new: a draft that make check and the build accept as it is."""

import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import REGISTRY, ROOT
from editor import check

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_new_draft_passes_check_and_names_no_missing_photo(tmp_path):
    content = tmp_path / "content"
    (content / "data").mkdir(parents=True)
    shutil.copy(REGISTRY, content / "data/registry.toml")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "editor", "new", "--content", str(content)),
            *("--title", "Phường Nghi Hải ra quân an toàn giao thông"),
            *("--ward", "Nghi Hải", "--authors", "Duy Quý"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    now = datetime.now(VIETNAM)
    (made,) = (content / "tin-tuc").rglob("*.md")
    assert made.parent.name == str(now.year) and str(made) in result.stdout
    text = made.read_text(encoding="utf-8")
    head, body = text.split("\n\n", 1)
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    assert meta["Title"] == "Phường Nghi Hải ra quân an toàn giao thông"
    assert meta["Ward"] == "Nghi Hải" and meta["Topics"] == "An toàn giao thông"
    assert meta["Authors"] == "Duy Quý" and meta["Status"] == "draft"
    written = datetime.strptime(meta["Date"], "%Y-%m-%d %H:%M").replace(tzinfo=VIETNAM)
    assert abs(written - now) < timedelta(minutes=2)  # Vietnam time
    # no summary that repeats the title (Pelican takes the first paragraph)
    assert "Summary" not in meta
    # no photo line naming a file that does not exist; the syntax is printed
    assert "![" not in body and "![Chú thích](images/" in result.stdout
    assert check.check_folder(content, today=now.date()) == []
