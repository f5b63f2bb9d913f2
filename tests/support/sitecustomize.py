"""Imported by every Python process started with this folder on PYTHONPATH (dbt runs as a subprocess).

When CSCW_SOCKET_LOG is set, any attempt to open a network connection is written to that file and
refused, so a test can prove that a run needs no network.
"""

import os
import socket

_LOG = os.environ.get("CSCW_SOCKET_LOG")


def _record(what: str) -> None:
    with open(_LOG, "a") as handle:  # type: ignore[arg-type]
        handle.write(f"pid {os.getpid()}: {what}\n")


def install() -> None:
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def guarded(method):
        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                _record(f"connect {address!r}")
                raise OSError("network access refused by the test")
            return method(self, address)

        return connect

    def getaddrinfo(host, *args, **kwargs):
        _record(f"getaddrinfo {host!r}")
        raise socket.gaierror("name lookup refused by the test")

    socket.socket.connect = guarded(original_connect)
    socket.socket.connect_ex = guarded(original_connect_ex)
    socket.getaddrinfo = getaddrinfo


if _LOG:
    install()
