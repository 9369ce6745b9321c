"""Nothing needs the network: building, exporting and the notebooks, with outbound traffic really blocked.

* In this process, the ``no_network`` fixture refuses every non-loopback socket.
* Child processes (kaleido's Chromium, the notebook kernel) cannot be guarded
  from Python, so they run in a network namespace of their own
  (``unshare -n``): it has a loopback interface and nothing else. Every
  control test proves the block is real before the work is trusted.
* The notebooks are executed once per test run, by nbval, whose kernel
  notebooks/conftest.py starts in such a namespace; the last test proves it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, NetworkBlocked

from vizlib import export, registry

VIZLIB = Path(sys.executable).with_name("vizlib")
#: An address no test machine routes to itself (TEST-NET-1, RFC 5737).
OUTSIDE = ("192.0.2.1", 80)


def _namespace_works() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except OSError:
        return False


needs_namespace = pytest.mark.skipif(
    not _namespace_works(), reason="needs `unshare -n` and `ip` (root, or unprivileged user namespaces)"
)


def offline(*command: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a command in a new network namespace whose only interface is loopback (brought up)."""
    script = 'ip link set lo up && exec "$@"'
    return subprocess.run(
        ["unshare", "-n", "sh", "-c", script, "offline", *command], capture_output=True, text=True, **kwargs
    )


# --- in this process -------------------------------------------------------------------------------------------------


def test_the_guard_blocks_this_process(no_network):
    with pytest.raises(NetworkBlocked):
        socket.create_connection(OUTSIDE, timeout=1)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 443)


def test_every_figure_builds_and_exports_its_page_and_sidecars_with_sockets_blocked(
    no_network, front_mirror, built_figure, tmp_path
):
    # Static formats render in a child browser that no in-process guard reaches: the namespace test covers them.
    # built_figure builds each figure once per run, always with sockets blocked (test_browser draws the same set).
    keys = [(slug, theme) for slug in registry.FIGURES for theme in ("light", "dark")]
    figs = dict(zip(keys, built_figure.many([(slug, dict(theme=theme)) for slug, theme in keys]), strict=True))
    for html_mode in export.HTML_MODES:
        out = tmp_path / html_mode
        written = export.save_many(
            {f"{slug}-{theme}": fig for (slug, theme), fig in figs.items()}, out, ("html",), html=html_mode
        )
        assert len(written) == 2 * len(registry.FIGURES)
        for name, files in written.items():
            assert [p.name for p in files] == [f"{name}.html", f"{name}.embed.html", f"{name}.csv", f"{name}.json"]
            assert files[0].read_text(encoding="utf-8").rstrip().endswith("</html>")


# --- child processes in a network namespace ------------------------------------------------------------------------


@needs_namespace
def test_the_namespace_blocks_everything_but_loopback():
    probe = (
        "import socket\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "socket.create_connection(server.getsockname(), timeout=5).close()\n"
        "print('loopback ok')\n"
        f"socket.create_connection({OUTSIDE!r}, timeout=5)\n"
    )
    proc = offline(sys.executable, "-c", probe, timeout=30)
    assert proc.stdout == "loopback ok\n"
    assert "Network is unreachable" in proc.stderr


@needs_namespace
@pytest.mark.browser
def test_the_cli_exports_every_figure_in_every_format_without_network(front_mirror, tmp_path):
    out = tmp_path / "figures"
    proc = offline(
        str(VIZLIB), "figures", "--out", str(out), "--format", "png,svg,pdf,html", "--frontline", "auto", timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == f"wrote {len(registry.FIGURES)} figure(s) and {out / 'README.md'}"
    formats = ("png", "svg", "pdf", "html", "embed.html", "csv", "json")
    expected = {f"{slug}.{ext}" for slug in registry.FIGURES for ext in formats}
    assert {p.name for p in out.iterdir()} == expected | {"README.md", export.PLOTLYJS_NAME}
    for slug in registry.FIGURES:
        assert (out / f"{slug}.pdf").read_bytes().startswith(b"%PDF-")
        assert (out / f"{slug}.svg").read_text(encoding="utf-8").rstrip().endswith("</svg>")


PROBE = """\
import os, socket, subprocess, sys
print("interfaces:", [name for _, name in socket.if_nameindex()])
print("own namespace:", os.readlink("/proc/self/ns/net") != os.readlink(f"/proc/{os.getppid()}/ns/net"))
try:
    socket.create_connection(OUTSIDE, timeout=5)
except OSError as error:
    print("outside:", error.errno)
child = "import socket; print([name for _, name in socket.if_nameindex()])"
print("child:", subprocess.run([sys.executable, "-c", child], capture_output=True, text=True).stdout.strip())
"""


@needs_namespace
def test_nbval_runs_the_notebooks_in_a_kernel_without_network(tmp_path):
    """The notebooks run once per test run, by nbval, offline: notebooks/conftest.py gives nbval's kernel a
    network namespace with only loopback, which every process the kernel starts (Chromium) inherits.

    A probe notebook stored with the outputs of such a kernel must pass strict nbval under that conftest.
    """
    import errno

    import nbformat

    (tmp_path / "notebooks").mkdir()
    for name in ("__init__.py", "conftest.py", "nbval-sanitize.cfg"):
        shutil.copy(REPO / "notebooks" / name, tmp_path / "notebooks")
    expected = f"interfaces: ['lo']\nown namespace: True\noutside: {errno.ENETUNREACH}\nchild: ['lo']\n"
    v4 = nbformat.v4
    cell = v4.new_code_cell(f"OUTSIDE = {OUTSIDE!r}\n{PROBE}", execution_count=1)
    cell.outputs = [v4.new_output("stream", name="stdout", text=expected)]
    notebook = v4.new_notebook(cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nbformat.write(notebook, tmp_path / "notebooks" / "probe.ipynb")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", "notebooks/probe.ipynb"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "1 passed" in proc.stdout
