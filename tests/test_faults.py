"""Faults from outside, on the real command and the real figures.

tests/test_export.py covers the library side with stand-in figures (a writer
failing mid-file, a process killed at a chosen point, a file where the folder
should be, a figure failing before it reaches the browser). Here the faults
come the way they come in a newsroom: ``vizlib figures`` killed at whatever
moment the first file appears, no browser on the machine, a read-only folder
(as root, chmod does not stop us: a read-only bind mount does), and a figure
that the browser itself cannot render in the middle of a batch.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from hashlib import sha256
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from click.testing import CliRunner
from test_export import standin

from vizlib import export, registry
from vizlib.cli import main
from vizlib.registry import FigureSpec

VIZLIB = Path(sys.executable).with_name("vizlib")


FIGURE_FILES = (".png", ".svg", ".pdf", ".html", ".csv", ".json")
#: The figures `vizlib figures` draws without control layers (--frontline none), in order.
DRAWN = [slug for slug, spec in registry.FIGURES.items() if spec.layer != "required"]


def assert_complete(path: Path) -> None:
    """Fail unless ``path`` is a whole file of its format."""
    data = path.read_bytes()
    kind = path.suffix
    if kind == ".png":
        from PIL import Image

        Image.open(io.BytesIO(data)).load()  # decodes every row: a truncated PNG raises
    elif kind == ".svg":
        ET.fromstring(data)
    elif kind == ".pdf":
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), path.name
    elif path.name.endswith(".embed.html"):  # the snippet a CMS pastes: an iframe and its script
        assert data.startswith(b"<iframe ") and data.rstrip().endswith(b"</script>"), path.name
    elif kind == ".html":
        assert data.rstrip().endswith(b"</html>"), path.name
    elif kind == ".json":
        json.loads(data)
    elif kind == ".csv":
        assert len(pd.read_csv(io.BytesIO(data))) > 0, path.name


def _figure_of(path: Path) -> str:
    """The figure a file belongs to: ``kursk`` for ``kursk.png`` and for the embed snippet ``kursk.embed.html``."""
    return path.name.removesuffix(".embed.html") if path.name.endswith(".embed.html") else path.stem


def assert_whole_figures(out: Path, *, killed: bool = False) -> list[str]:
    """Check every visible figure file: its manifest lists it, with its hash. Return the figures found.

    A figure is written once its manifest, renamed last, is in place. Only a hard
    kill (``killed``) may land between a figure's renames: then the figure after
    the written ones may show whole files without their manifest.
    """
    visible = [p for p in out.iterdir() if not p.name.startswith(".") and p.suffix in FIGURE_FILES]
    names = sorted({_figure_of(p) for p in visible if (out / f"{_figure_of(p)}.json").exists()})
    for name in names:
        manifest = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        listed = {*manifest["files"], f"{name}.json"}
        assert {p.name for p in visible if _figure_of(p) == name} == listed, name
        for file, digest in manifest["files"].items():
            assert_complete(out / file)
            assert sha256((out / file).read_bytes()).hexdigest() == digest, file
    unlisted = [p for p in visible if _figure_of(p) not in names]
    if killed and unlisted:
        assert {_figure_of(p) for p in unlisted} == {DRAWN[len(names)]}, unlisted  # the figure being written
        for path in unlisted:
            assert_complete(path)
    else:
        assert unlisted == [], unlisted
    return names


def _descendants(pid: int) -> list[int]:
    """The process ids below ``pid`` (from /proc), deepest last."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.mark.browser
def test_killing_the_cli_when_the_first_figure_appears_leaves_only_whole_figures(tmp_path):
    out = tmp_path / "figures"
    proc = subprocess.Popen(
        [str(VIZLIB), "figures", "--out", str(out), "--format", "png,svg,pdf,html"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    browser: list[int] = []
    try:
        while not (out.is_dir() and any(p.suffix in FIGURE_FILES for p in out.iterdir() if p.name[0] != ".")):
            assert proc.poll() is None, f"vizlib figures ended before writing a figure: {proc.stderr.read()!r}"
            assert time.monotonic() < deadline, "no figure written in 180 s"
            time.sleep(0.01)
        browser = _descendants(proc.pid)  # Chromium runs in its own session: a group kill would miss it
        os.killpg(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            browser = browser or _descendants(proc.pid)
            proc.kill()
        proc.wait()
        proc.stderr.close()
        for pid in browser:  # the kaleido browser this test started
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    done = assert_whole_figures(out, killed=True)
    assert len(done) < len(DRAWN), f"not killed mid-batch: {done}"
    assert set(done) == set(DRAWN[: len(done)])  # written in order, none skipped
    assert not (out / "README.md").exists()  # written only after the batch
    # A kill allows no clean-up: what remains of the figure in progress is hidden temporary files, never a final name.
    hidden = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert all(n.endswith(".tmp") for n in hidden), hidden


def _mount_namespace_works() -> bool:
    """Whether a read-only bind mount can be made in a private mount namespace (root, util-linux)."""
    try:
        probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind -o ro / /mnt"], capture_output=True)
    except OSError:
        return False
    return probe.returncode == 0


needs_mount_namespace = pytest.mark.skipif(
    not _mount_namespace_works(), reason="needs `unshare -m` and bind mounts (root)"
)


def _installed_browsers() -> list[str]:
    """Every browser kaleido would find: PATH, the typical install paths, a browser downloaded by choreographer."""
    import shutil

    from choreographer.browsers.chromium import chromium_based_browsers
    from choreographer.cli._cli_utils import get_chrome_download_path

    found = {Path(p) for b in chromium_based_browsers.values() for p in b.typical_paths}
    found |= {Path(w) for b in chromium_based_browsers.values() for n in b.exe_names if (w := shutil.which(n))}
    found.add(get_chrome_download_path(mkdir=False) or Path("/nonexistent"))
    return sorted(str(p.resolve()) for p in found if p.is_file())


def _without_browsers(command: list[str], env: dict[str, str]) -> list[str]:
    """``command`` run where /dev/null covers every installed browser (a private mount namespace)."""
    mounts = "".join(f'mount --bind /dev/null "{path}" && ' for path in _installed_browsers())
    return [
        "unshare",
        "-m",
        "sh",
        "-c",
        mounts + 'exec env -i "$@"',
        "sh",
        *(f"{k}={v}" for k, v in env.items()),
        *command,
    ]


@pytest.mark.parametrize("how", ["BROWSER_PATH to nothing", "no browser installed"])
def test_no_browser_fails_with_one_line_and_exit_1(tmp_path, how):
    out = tmp_path / "figures"
    command = [str(VIZLIB), "figures", "--out", str(out), "--only", "kursk,timeline"]
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_PATH"}
    if how == "BROWSER_PATH to nothing":
        env["BROWSER_PATH"] = str(tmp_path / "chromium-was-removed")
    else:
        if not _mount_namespace_works():
            pytest.skip("needs `unshare -m` and bind mounts (root) to hide the installed browser")
        (tmp_path / "bin").mkdir()
        env["PATH"] = str(tmp_path / "bin")
        command, env = _without_browsers(command, env), None  # the inner command gets only ``env``
    proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: no usable browser: static export (PNG/SVG/PDF) needs Chrome or Chromium")
    assert "apt-get install chromium" in proc.stderr and "BROWSER_PATH" in proc.stderr
    # no figure, no README; only the shared plotly.js, written up front
    assert {p.name for p in out.iterdir()} <= {export.PLOTLYJS_NAME}


NO_RENDER = """
import sys
from vizlib import _export_batch
from vizlib.cli import main

def render(*args, **kwargs):
    print("rendering started before the folder was checked", file=sys.stderr)
    sys.exit(3)

_export_batch.Engine.start = render
main(sys.argv[1:])
"""


@needs_mount_namespace
@pytest.mark.parametrize("target", ["ro", "ro/figures"])
def test_a_read_only_folder_fails_before_rendering_with_one_line(tmp_path, target):
    folder = tmp_path / "ro"
    folder.mkdir()
    out = tmp_path / target
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    command = [sys.executable, "-c", NO_RENDER, "figures", "--out", str(out), "--only", "kursk,timeline"]
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, str(folder), *command], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == f"error: cannot write to {out}: Read-only file system\n"
    assert list(folder.iterdir()) == []


class CorruptFigure(go.Figure):
    """A figure whose data plotly.js cannot decode: the browser fails, not Python."""

    def to_dict(self):
        spec = super().to_dict()
        spec["data"][0]["y"] = {"dtype": "f8", "bdata": "AAAA"}  # 3 bytes, not a whole float64
        return spec


def corrupt_builder(**options):
    return CorruptFigure(standin("corrupt", theme_name=options.get("theme", "light")))


@pytest.mark.browser
def test_a_figure_the_browser_cannot_render_fails_clearly_and_the_batch_is_kept(tmp_path, monkeypatch):
    specs = dict(registry.FIGURES)
    batch = {
        "kursk": specs["kursk"],
        "corrupt": FigureSpec("corrupt", "Corrupt", __name__, "corrupt_builder"),
        "timeline": specs["timeline"],
    }
    monkeypatch.setattr(registry, "FIGURES", batch)
    result = CliRunner().invoke(main, ["figures", "--out", str(tmp_path), "--format", "png,svg,pdf,html"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: could not export 1 of 3 figure(s): corrupt (KaleidoError:")
    assert "Float64Array" in result.stderr
    assert assert_whole_figures(tmp_path) == ["kursk", "timeline"]
    assert not list(tmp_path.glob("corrupt*")) and not list(tmp_path.glob(".*"))
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "(kursk.png)" in readme and "(timeline.png)" in readme and "corrupt" not in readme


# --- a browser that hangs, crashes or is interrupted ------------------------------------------------------------------

NEVER_ANSWERS = Path(__file__).parent / "fixtures" / "browser_never_answers.sh"


def _pgid(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


class BatchWatch:
    """A `vizlib figures` process, and the process groups its browser runs in (recorded while it runs)."""

    def __init__(self, out: Path, *options: str, env: dict[str, str] | None = None):
        self.out = out
        # Ctrl-C's default action in the CLI even where this run ignores it (a job started with & in a script)
        self.proc = subprocess.Popen(
            [str(VIZLIB), "figures", "--out", str(out), *options],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )  # fmt: skip
        self.groups: set[int] = set()
        self.seen: dict[int, str] = {}

    def watch(self) -> None:
        own = _pgid(self.proc.pid)
        for pid in _descendants(self.proc.pid):
            group = _pgid(pid)
            if group not in (None, own):
                self.groups.add(group)
                self.seen.setdefault(pid, f"{_comm(pid)} (group {group})")

    def wait_for_first_figure(self, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while not (self.out.is_dir() and any(p.suffix == ".png" for p in self.out.iterdir() if p.name[0] != ".")):
            assert self.proc.poll() is None, f"vizlib figures ended early: {self.proc.stderr.read()!r}"
            assert time.monotonic() < deadline, f"no figure written in {seconds} s"
            self.watch()
            time.sleep(0.01)
        self.watch()

    def finish(self, seconds: float = 60) -> tuple[int, str]:
        deadline = time.monotonic() + seconds
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.watch()
            time.sleep(0.02)
        err = self.proc.communicate(timeout=max(1, deadline - time.monotonic()))[1]
        return self.proc.returncode, err

    def live_browser_processes(self) -> list[str]:
        from test_export import live_in_group

        deadline = time.monotonic() + 5  # a killed process is gone at once; its reaping can lag
        while (left := [p for g in self.groups for p in live_in_group(g)]) and time.monotonic() < deadline:
            time.sleep(0.05)
        return left

    def kill_everything(self) -> None:
        """Clean-up after a failed test: the test's own processes only."""
        if self.proc.poll() is None:
            self.proc.kill()
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, signal.SIGKILL)


@pytest.mark.browser
@pytest.mark.parametrize("sig, code, word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_sigterm_or_ctrl_c_mid_batch_ends_the_browser_and_leaves_only_whole_figures(tmp_path, sig, code, word):
    run = BatchWatch(tmp_path / "figures", "--format", "png,svg,pdf,html")
    try:
        run.wait_for_first_figure()
        assert run.groups, "no browser process seen"
        run.proc.send_signal(sig)
        returncode, err = run.finish()
        assert returncode == code, err
        assert err == f"error: {word}; the browser was ended and no figure was left half-written\n"
        assert run.live_browser_processes() == []
    finally:
        run.kill_everything()
    done = assert_whole_figures(run.out)
    assert 1 <= len(done) < len(DRAWN)
    assert set(done) == set(DRAWN[: len(done)])
    # Python saw the signal: the figure being written was finished, no temporary file is left behind
    assert [p.name for p in run.out.iterdir() if p.name.startswith(".")] == []
    assert not (run.out / "README.md").exists()


@pytest.mark.browser
@pytest.mark.parametrize("fault", ["SIGKILL of the browser", "SIGSTOP of the browser"])
def test_a_browser_killed_or_frozen_mid_batch_fails_in_one_line_and_keeps_the_figures_before_it(tmp_path, fault):
    run = BatchWatch(tmp_path / "figures", "--format", "png,svg", "--image-timeout", "3")
    try:
        run.wait_for_first_figure()
        chromium = [p for p in _descendants(run.proc.pid) if "chromium" in _comm(p)]
        assert chromium, f"no browser process seen in {run.seen}"
        if fault == "SIGKILL of the browser":
            os.kill(min(chromium), signal.SIGKILL)  # the browser process (its helpers are younger)
        else:
            for pid in chromium:  # the browser and every helper freeze: nothing answers any more
                os.kill(pid, signal.SIGSTOP)
        returncode, err = run.finish()
        assert returncode == 1, err
        assert "Traceback" not in err
        (err,) = [line for line in err.splitlines() if not line.startswith("skipped ")]  # one line
        if fault == "SIGKILL of the browser":
            assert re.match(r"error: the browser \(\S+\) stopped while rendering [\w-]+ \(PNG, SVG\); \d+ of \d+", err)
        else:
            assert re.match(
                r"error: the browser \(\S+\) did not finish rendering [\w-]+ \(PNG, SVG\) within 6 s \(3 s per image\)"
                r" and was ended; \d+ of \d+ figure\(s\) exported",
                err,
            )
        assert "point BROWSER_PATH (vizlib figures --browser) at another Chrome/Chromium" in err
        assert run.live_browser_processes() == []
    finally:
        run.kill_everything()
    done = assert_whole_figures(run.out)
    assert 1 <= len(done) < len(DRAWN)
    assert set(done) == set(DRAWN[: len(done)])
    assert (run.out / "README.md").is_file()  # the figures written are published


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def test_a_browser_that_never_answers_fails_in_one_line_and_leaves_no_process(tmp_path):
    env = {**os.environ, "BROWSER_PATH": str(NEVER_ANSWERS)}
    run = BatchWatch(tmp_path / "figures", "--format", "png", "--only", "timeline", "--start-timeout", "2", env=env)
    try:
        returncode, err = run.finish()
        assert returncode == 1, err
        assert err.count("\n") == 1 and "Traceback" not in err
        assert err.startswith(f"error: the browser ({NEVER_ANSWERS}) did not start within 2 s and was ended;")
        assert "point BROWSER_PATH (vizlib figures --browser) at another Chrome/Chromium" in err
        assert run.groups, "the stand-in browser was never seen running"
        assert run.live_browser_processes() == []
    finally:
        run.kill_everything()
    assert list(run.out.iterdir()) == []
