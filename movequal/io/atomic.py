"""Write files and folders so that a crash never leaves a partial one under its final name.

:func:`atomic_path` and :func:`atomic_text` write one file under a temporary
name next to it and rename it into place on success. :func:`atomic_folder`
does the same for a whole folder: everything is written into a staging folder
beside the destination, which then replaces the destination in one rename.
A rename within one filesystem is atomic, so a reader (or the next run) sees
either the old file or the complete new one, never a mixture. A folder that
replaces an existing one is removed first (a directory cannot be renamed over a
non-empty one), so for that moment no folder is there under the final name:
readers see it missing, never partial.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

PART_SUFFIX = ".part"


def umask_file_mode() -> int:
    """Permission bits a new file gets under this process's umask (``0o666 & ~umask``).

    Notes
    -----
    Read from ``/proc/self/status`` (Linux): ``os.umask`` can only be read by
    setting it, which would briefly open every file another thread creates
    meanwhile. Elsewhere the common umask 022 is assumed.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    return 0o644


@contextmanager
def atomic_path(dest: Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a fresh temporary path beside ``dest``; it replaces ``dest`` when the block succeeds.

    Parameters
    ----------
    dest : Path
        The final file; its folder is created when missing.
    mode : int, optional
        Permission bits given to the file before it is renamed into place
        (otherwise it keeps the owner-only bits a temporary file is made with).

    Yields
    ------
    Path
        An empty file in ``dest``'s folder, hidden (dot) and ending in ``.part``,
        which the block fills. On an exception it is deleted and ``dest`` is left
        as it was.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=PART_SUFFIX, dir=dest.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if mode is not None:
            tmp.chmod(mode)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_text(dest: Path, *, mode: int | None = None) -> Iterator[TextIO]:
    """Open a UTF-8 text file (no newline translation) that replaces ``dest`` when the block succeeds."""
    with atomic_path(dest, mode=mode) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        yield fh


@contextmanager
def atomic_folder(dest: Path, *, staging: Path | None = None, create: bool = True) -> Iterator[Path]:
    """Yield a staging folder beside ``dest``; it replaces ``dest`` whole when the block succeeds.

    Parameters
    ----------
    dest : Path
        The final folder. An existing one is removed just before the rename.
    staging : Path, optional
        Where to write meanwhile (default ``.<name>.staging`` beside ``dest``); it
        must be on the same filesystem. A leftover from an earlier, killed run is
        removed first.
    create : bool
        Create the staging folder before the block runs. With ``False`` the
        writer creates it when it has something to write, so a process killed
        before that leaves no empty folder behind (it is created at the end if
        the block wrote nothing).

    Yields
    ------
    Path
        The staging folder to write into. On an exception it is removed and
        ``dest`` is left as it was.
    """
    dest = Path(dest)
    staging = staging if staging is not None else dest.with_name(f".{dest.name}.staging")
    shutil.rmtree(staging, ignore_errors=True)
    if create:
        staging.mkdir(parents=True)
    try:
        yield staging
        staging.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(dest, ignore_errors=True)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
