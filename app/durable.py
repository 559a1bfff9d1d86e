"""Writes that survive a crash: a file's bytes, or a directory's names, flushed to disk."""

from __future__ import annotations

import os
from pathlib import Path


def fsync(path: Path) -> None:
    """Flush `path` to disk: a file's content, or a directory's entries (so that a file
    created or renamed in it keeps its name after a crash)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
