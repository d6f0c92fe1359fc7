"""Evidence files on disk: downloaded per user, owner-only, and erased with their items."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from conversations.core.evidence import evidence_file_name
from conversations.core.evidence_kinds import EvidenceItem
from conversations.shell.locks import KeyedLocks
from conversations.store.storage import Store

log = logging.getLogger(__name__)


class FileFetcher(Protocol):
    """Downloads a file the user sent, by its file_id, to a path."""

    async def fetch(self, file_id: str, dest: Path) -> None:
        """Download, or raise."""
        ...



class EvidenceFiles:
    """The coach's files: what `Coach` inherits to fetch, record and erase evidence files."""

    _store: Store
    _files: FileFetcher | None
    _files_dir: Path | None
    _users: KeyedLocks
    _downloads: KeyedLocks
    _clock: Callable[[], datetime]

    def _erase_files(self, user_id: int, case_no: int | None = None) -> None:
        """Remove downloaded evidence (and exports) of a user, or of one of their cases."""
        if self._files_dir is None:
            return
        folder = self._files_dir / str(user_id)
        if case_no is not None:
            folder = folder / str(case_no)
        shutil.rmtree(folder, ignore_errors=True)

    async def download(self, user_id: int, case_no: int | None = None) -> int:
        """Download the user's evidence files not yet on disk; returns how many were fetched.

        Files go to <files_dir>/<user>/<case>/<item>-<unique id><ext>, owner-only; each path is
        recorded on its item as soon as the file is complete. Runs of one user take turns, and
        each reads the cases afresh, so no file is fetched twice.
        """
        if self._files is None or self._files_dir is None:
            return 0
        async with self._downloads.hold(user_id):
            return await self._download(user_id, case_no)

    async def _download(self, user_id: int, case_no: int | None) -> int:
        assert self._files is not None and self._files_dir is not None
        async with self._store.transaction() as tx:
            cases = await tx.cases(user_id)
        fetched = 0
        for case in cases.values():
            if case_no is not None and case.no != case_no:
                continue
            for item in case.evidence:
                if item.file_id is None or item.local_path is not None:
                    continue
                relative = Path(str(user_id), str(case.no), evidence_file_name(item))
                dest = self._files_dir / relative
                private_dirs(self._files_dir, relative.parent)
                try:
                    await self._files.fetch(item.file_id, dest)
                except Exception:
                    log.exception("could not download evidence #%s of case %s", item.id, case.no)
                    continue
                os.chmod(dest, 0o600)
                if await self._record_download(user_id, case.no, item, str(relative)):
                    fetched += 1
                else:  # removed while it was fetched: its file must not stay behind
                    dest.unlink(missing_ok=True)
        return fetched

    async def _record_download(
        self, user_id: int, case_no: int, item: EvidenceItem, path: str
    ) -> bool:
        """Record where the item's file is; False when the item (or its case) is gone."""
        async with self._users.hold(user_id), self._store.transaction(user=user_id) as tx:
            case = (await tx.cases(user_id)).get(case_no)
            current = next((i for i in case.evidence if i.id == item.id), None) if case else None
            if case is None or current is None or current.file_id != item.file_id:
                return False
            items = tuple(
                replace(i, local_path=path) if i.id == item.id else i for i in case.evidence
            )
            await tx.save_case(user_id, replace(case, evidence=items), self._clock())
        return True

    def _erase_evidence(self, paths: tuple[str, ...]) -> None:
        """Remove the downloaded files of removed evidence items."""
        if self._files_dir is None:
            return
        root = self._files_dir.resolve()
        for path in paths:
            file = (root / path).resolve()
            if file.is_relative_to(root):  # a stored path never leads outside the data folder
                file.unlink(missing_ok=True)



def private_dirs(root: Path, relative: Path) -> None:
    """Create root/relative, each folder readable by its owner only."""
    folders = [root]
    for part in relative.parts:
        folders.append(folders[-1] / part)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
