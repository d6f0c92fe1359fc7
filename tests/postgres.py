"""A throwaway PostgreSQL cluster for the tests: Debian's server on a free loopback port."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from itertools import count
from pathlib import Path

import asyncpg

from tests.ports import free_port

USER = "coach"


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            "PostgreSQL's server is not installed: the tests need Debian's postgresql package "
            "(the README's test command installs it)"
        )
    return found[-1]



class Cluster:
    """initdb, pg_ctl start on 127.0.0.1, and a fresh database per test; stopped at the end."""

    def __init__(self) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="coach-pg-"))
        self._data = self._root / "data"
        self.port = free_port()
        self._names = count(1)
        # initdb refuses to run as root: the server runs as Debian's postgres user then.
        self._as: list[str] = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self._root, "postgres")
        self._run(_bin("initdb"), "-D", str(self._data), "-U", USER, "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        self._run(
            _bin("pg_ctl"), "-D", str(self._data), "-l", str(self._root / "server.log"), "-w",
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self._root} -c fsync=off "
            "-c max_connections=300 -c shared_buffers=64MB", "start",
        )

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, cwd=self._root)

    @property
    def admin_url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/postgres"

    async def new_database(self) -> str:
        """A new empty database's URL."""
        name = f"t{next(self._names)}"
        db = await asyncpg.connect(self.admin_url)
        try:
            await db.execute(f"CREATE DATABASE {name}")
        finally:
            await db.close()
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            self._run(_bin("pg_ctl"), "-D", str(self._data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self._root, ignore_errors=True)
