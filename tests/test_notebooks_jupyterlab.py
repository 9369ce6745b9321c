"""A notebook opened in JupyterLab and saved with no edit is byte for byte the stored one.

JupyterLab (with jupyterlab-plotly, as ``pip install -e '.[dev]'`` installs it)
runs on 127.0.0.1 with a token, a free port and throw-away settings, runtime
and workspace folders, serving copies of the notebooks. Debian's Chromium,
driven by Playwright with every request recorded and none let beyond the
server, opens each notebook in a workspace of its own, waits until its kernel is idle and every figure output shows its
image, checks the notebook is not marked changed, saves it (Ctrl+S) and
compares the file with the stored one. Then the kernels and the server are
shut down and no kernel process may be left.

What JupyterLab 4.6 + jupyterlab-plotly 7 write back, and what
scripts/run_notebooks.py therefore stores: ``kernelspec`` as the server lists
it ("Python 3 (ipykernel)"), ``language_info`` as the kernel reports it,
whole-number floats as integers; jupyterlab-plotly shows an output's
``image/png`` when there is one instead of drawing the figure (and so adds
none). Hovering a figure draws it and replaces that PNG by a screenshot at the
output's size: that is a change, as an edit would be.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
PLOTLY_JSON = "application/vnd.plotly.v1+json"
JUPYTER = Path(sys.executable).with_name("jupyter")

pytestmark = pytest.mark.browser

#: Settings a fresh JupyterLab would otherwise ask about or fetch from the internet, and every cell rendered at once
#: (no windowing) so that every figure output is really drawn before saving.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A JupyterLab server of our own on 127.0.0.1: ``command(port, token, root)`` starts it."""

    def __init__(self, home: Path, command, root: Path | None = None, cwd: Path | None = None) -> None:
        self.home, self.root = home, root or home / "root"
        self.root.mkdir(exist_ok=True)
        for name, values in SETTINGS.items():
            path = home / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        self.token, self.port = secrets.token_hex(16), _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
        for var, folder in (
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTER_DATA_DIR", "data"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ):
            env[var] = str(home / folder)
        self.runtime = home / "runtime"
        self.log = (home / "lab.log").open("w")
        self.process = subprocess.Popen(
            command(self.port, self.token, self.root),
            cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                self.api("status")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start:\n{(home / 'lab.log').read_text()[-3000:]}") from None
                time.sleep(0.3)

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.origin}/api/{path}", method=method)
        request.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_processes(self) -> list[int]:
        """Pids of kernels started by this server (their connection files are in its runtime folder)."""
        pids = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and str(self.runtime).encode() in (proc / "cmdline").read_bytes():
                    pids.append(int(proc.name))
            except OSError:
                continue
        return pids

    def stop(self) -> list[int]:
        """Shut the kernels and the server down; return the pids of kernels that had to be killed."""
        try:
            for kernel in self.api("kernels"):
                self.api(f"kernels/{kernel['id']}", method="DELETE")
            self.api("shutdown", method="POST")
            self.process.wait(60)
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(30)
        left = self.kernel_processes()
        for pid in left:  # ours: started by our server for our notebooks
            os.kill(pid, signal.SIGKILL)
        self.log.close()
        return left


def _own_port_and_token(port: int, token: str) -> list[str]:
    return [f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    def command(port, token, root):
        return [
            str(JUPYTER), "lab", "--allow-root", "--ip=127.0.0.1", "--no-browser", f"--ServerApp.root_dir={root}",
            *_own_port_and_token(port, token),
        ]  # fmt: skip

    server = Lab(tmp_path_factory.mktemp("jupyterlab"), command)
    yield server
    left = server.stop()
    assert left == [], f"kernel processes left after shutdown: {left}"


def test_make_lab_starts_jupyterlab_as_written(tmp_path):
    """The README's command, ``make lab``, serves the notebooks here (as root: this machine's user)."""

    def command(port, token, root):
        lab_args = " ".join(_own_port_and_token(port, token))  # a free port and a known token, nothing else
        return ["make", "-s", "-o", ".venv/.installed-stamp", "lab", f"LAB_ARGS={lab_args}"]

    server = Lab(tmp_path, command, root=REPO / "notebooks", cwd=REPO)
    try:
        listed = {item["name"] for item in server.api("contents")["content"]}
        assert {p.name for p in NOTEBOOKS} <= listed
    finally:
        assert server.stop() == []


@pytest.mark.skipif(os.geteuid() != 0, reason="JupyterLab refuses only root")
def test_as_root_plain_jupyter_lab_refuses_to_start(tmp_path):
    # why the README's command carries --allow-root
    proc = subprocess.run(
        [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", *_own_port_and_token(_free_port(), "t")],
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path)}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "Running as root is not recommended. Use --allow-root to bypass." in proc.stderr


def _figure_count(path: Path) -> int:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return sum(PLOTLY_JSON in o.get("data", {}) for c in notebook["cells"] for o in c.get("outputs", []))


@pytest.fixture(scope="module")
def lab_context(browser):
    """One browser profile for every notebook, so that JupyterLab's scripts are fetched and compiled once.

    Requests are recorded, not intercepted: Playwright turns the HTTP cache off for a page it routes. What is not
    for 127.0.0.1 goes to a proxy that is not there (the discard port), and fails.
    """
    nowhere = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1"}
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, proxy=nowhere)
    yield context
    context.close()


@pytest.mark.parametrize("stored", NOTEBOOKS, ids=lambda p: p.stem)
def test_open_and_save_in_jupyterlab_changes_nothing(lab, lab_context, stored):
    copy = lab.root / stored.name
    shutil.copyfile(stored, copy)
    figures = _figure_count(stored)
    elsewhere: list[str] = []
    page = lab_context.new_page()
    lab_context.on("request", lambda r: None if r.url.startswith(lab.origin + "/") else elsewhere.append(r.url))
    try:
        # a workspace of its own: nothing restored from an earlier test
        page.goto(f"{lab.origin}/lab/workspaces/{stored.stem}/tree/{stored.name}?token={lab.token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=120_000)
        page.wait_for_function(
            """() => document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')
                       ?.getAttribute('data-status') === 'idle'""",
            timeout=120_000,
        )
        page.wait_for_function(  # every figure shown: its stored image, or drawn by jupyterlab-plotly
            f"""() => {{
                const outputs = [...document.querySelectorAll('.jp-RenderedPlotly')];
                return outputs.length === {figures} && outputs.every(o =>
                    o.querySelector('.plot-container') || o.querySelector('img.plot-img')?.naturalWidth > 0);
            }}""",
            timeout=120_000,
        )
        page.wait_for_timeout(1000)  # let anything that would change the model (kernel info, renderers) land
        shown = page.evaluate(
            """() => ({
                images: [...document.querySelectorAll('.jp-RenderedPlotly img.plot-img')]
                    .filter(i => i.style.display !== 'none' && i.naturalWidth > 0).length,
                graphs: document.querySelectorAll('.jp-RenderedPlotly .plot-container').length,
                dirty: !!document.querySelector('.lm-TabBar-tab.jp-mod-dirty'),
            })"""
        )
        assert shown == {"images": figures, "graphs": 0, "dirty": False}, shown
        with page.expect_response(
            lambda r: r.request.method == "PUT" and f"/api/contents/{stored.name}" in r.url, timeout=120_000
        ) as saved:
            page.keyboard.press("Control+s")
        assert saved.value.status == 200
    finally:
        page.close()
        for session in lab.api("sessions"):
            lab.api(f"sessions/{session['id']}", method="DELETE")
    assert elsewhere == []
    assert copy.read_bytes() == stored.read_bytes(), "JupyterLab wrote a different file: run `make notebooks`"
