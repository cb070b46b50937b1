"""make serve and make devserver: real servers on 127.0.0.1, free ports."""

import http.client
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from conftest import CONTENT, ROOT
from editor.serve import locate

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
REPORT = (
    "Title: Tin thử\nDate: 2024-03-05 10:00\nWard: {ward}\nTopics: Y tế\n"
    "Summary: Tóm tắt.\n\nNội dung của bài.\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.getheader("Location"), body
    finally:
        conn.close()


class Running:
    """A tool running in the background, its output (stdout and stderr)
    collected line by line."""

    def __init__(self, *args, cwd=ROOT):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=cwd,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, count: int = 1, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if len(found) >= count:
                return found[-1]
            if self.proc.poll() is not None:
                time.sleep(0.2)  # the last lines
                break
            time.sleep(0.1)
        pytest.fail(f"no {text!r} ({count}x) in the output:\n" + self.output)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=20)


@pytest.fixture
def busy_port():
    """A port a server is listening on (as when a preview already runs)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "devserver"])
def test_busy_port_is_said_in_vietnamese_with_the_port_to_use(
    site, tmp_path, busy_port, command
):
    output, _, _ = site
    result = subprocess.run(
        [
            *("make", "-C", str(ROOT), "--no-print-directory", command),
            *(f"INPUTDIR={CONTENT}", f"OUTPUTDIR={output}", f"PORT={busy_port}"),
            f"VENV={sys.prefix}",
        ],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert f"Cổng {busy_port} đang bận" in result.stderr
    assert f"chạy lại với make {command} PORT=" in result.stderr
    suggested = int(result.stderr.split("PORT=", 1)[1].split()[0])
    assert suggested != busy_port
    assert "Traceback" not in result.stderr + result.stdout
    assert "Xem" not in result.stdout  # no address for a server that never ran


def test_serve_answers_as_the_web_server_does(site):
    output, _, _ = site
    server = Running("editor.serve", str(output), "--port", "0")
    try:
        line = server.wait_for("Xem trang tại http://127.0.0.1:")
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        status, _, home = get(port, "/")
        assert status == 200 and "<html" in home
        status, _, body = get(port, "/tin-tuc/2024/01/khong-co-bai-nay/")
        assert status == 404 and "Không tìm thấy trang" in body
        assert '<base href="/">' in body  # its relative links work at any depth
        status, _, body = get(port, "/khong-co.html", method="HEAD")
        assert status == 404 and body == ""
        # pretty URLs: folder/ is folder/index.html, folder moves to folder/
        status, location, _ = get(port, "/phuong")
        assert status == 301 and location == "/phuong/"
        status, _, wards = get(port, "/phuong/")
        assert status == 200 and wards == (output / "phuong/index.html").read_text(
            encoding="utf-8"
        )
        status, _, _ = get(port, "/../pelicanconf.py")
        assert status == 404
    finally:
        server.stop()
    assert "Traceback" not in server.output


@pytest.mark.parametrize(
    "url", ["/../x", "/a/../../x", "/%00", "/a\\..\\x", "/" + "a/" * 3 + ".."]
)
def test_nothing_outside_the_output_is_found(tmp_path, url):
    (tmp_path / "x").write_text("secret")
    root = tmp_path / "out"
    root.mkdir()
    assert locate(root.resolve(), url) == ("missing", None)


def test_a_link_out_of_the_output_is_not_followed(tmp_path):
    (tmp_path / "secret.txt").write_text("secret")
    root = tmp_path / "out"
    root.mkdir()
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert locate(root.resolve(), "/link.txt") == ("missing", None)


def test_devserver_serves_the_404_page_and_says_each_thing_once(tmp_path, make_content):
    content = make_content(
        {"a.md": REPORT.format(ward="Nghi Hòa")},
        pages={"404.md": (CONTENT / "pages/404.md").read_text(encoding="utf-8")},
    )
    # the project's settings with the caches beside the output, not in the
    # repository's cache/
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa\n"
        f"CACHE_PATH = {str(tmp_path / 'cache')!r}\n",
        encoding="utf-8",
    )
    port = free_port()
    out = tmp_path / "out"
    server = Running(
        "editor.devserver", str(content), str(out), str(conf), "--port", str(port)
    )
    try:
        server.wait_for(f"Xem trước tại http://127.0.0.1:{port}/")
        # the address is printed once the server listens: it answers at once
        status, _, body = get(port, "/khong-co/")
        assert status == 404 and "Không tìm thấy trang" in body
        status, location, _ = get(port, "/tin-tuc/2024/03/tin-thu")
        assert status == 301 and location == "/tin-tuc/2024/03/tin-thu/"
        status, _, page = get(port, "/tin-tuc/2024/03/tin-thu/")
        assert status == 200 and "Nội dung của bài." in page
        assert "livereload.js" in page  # the page reloads itself after a build
        # a rebuild with a problem: its warning is printed once
        time.sleep(1.1)  # a newer modification time than the first build's
        (content / "tin-tuc/a.md").write_text(
            REPORT.format(ward="Nghi Hoa"), encoding="utf-8"
        )
        server.wait_for("Nghi Hoa")
        time.sleep(2)  # anything printed after it
    finally:
        server.stop()
    lines = [line for line in server.lines if line.strip()]
    assert sum("Xem trước tại" in line for line in lines) == 1
    assert sum("Nghi Hoa" in line for line in lines) == 1, server.output
    # livereload's and tornado's English lines, each of which came twice
    for noise in ("Serving on", "Start watching", "Running task", "/khong-co"):
        assert not any(noise in line for line in lines), server.output
    assert "Traceback" not in server.output
