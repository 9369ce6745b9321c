"""Shared fixtures: repository paths, the reference samples, and a network guard."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_frontline() -> Path:
    """The real frontline samples beside the checkout (CI has them); skip when absent."""
    folder = SHARED / "data" / "frontline"
    if not folder.is_dir():
        pytest.skip("../shared/data/frontline is not present")
    return folder


class NetworkBlocked(OSError):
    """Raised when a test tries to leave the machine."""


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host.startswith("127.") or host in ("::1", "localhost")
    return isinstance(address, (str, bytes))  # unix sockets


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block every outbound socket connection except loopback, in this process."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded(method):
        def connect(self, address):
            if not _is_loopback(address):
                raise NetworkBlocked(f"network access blocked in tests: {address!r}")
            return method(self, address)

        return connect

    monkeypatch.setattr(socket.socket, "connect", guarded(real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded(real_connect_ex))
    monkeypatch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo(socket.getaddrinfo))


def _guarded_getaddrinfo(real):
    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost", "127.0.0.1", "::1") and not str(host).startswith("127."):
            raise NetworkBlocked(f"DNS lookup blocked in tests: {host!r}")
        return real(host, *args, **kwargs)

    return getaddrinfo


def pytest_terminal_summary(terminalreporter) -> None:
    """Report how many fuzz cases ran (README "What is tested")."""
    import sys

    fuzz = sys.modules.get("test_fuzz")
    if fuzz and fuzz.FUZZ_COUNTS:
        counts = dict(fuzz.FUZZ_COUNTS)
        rejected = counts.pop("rejected", 0)
        total = sum(counts.values())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        terminalreporter.write_line(
            f"fuzz cases run: {total} ({kinds}); {rejected} rejected with DataError, {total - rejected} valid"
        )
