"""A free TCP port on the loopback interface, for a server a test starts."""

from __future__ import annotations

import socket
from contextlib import closing


def free_port() -> int:
    """A port nothing listens on right now."""
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
