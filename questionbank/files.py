"""Files on disk: only regular files are read, never more than a cap; every write is atomic."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


@contextlib.contextmanager
def atomic_text(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A UTF-8 text stream that becomes ``path`` only when the block ends without error
    (written through ``path.partial``, which never survives)."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            yield handle
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` through ``path.partial`` and a rename; the partial file never
    survives (removed on any error). Text is written as UTF-8 with the newlines given."""
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        with open(partial, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return target


class ReadRefused(Exception):
    """Why a file was not read: ``code`` is a catalog code, ``reason`` an English phrase."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def read_regular_file(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    Never blocks on a FIFO, never reads a device (``/dev/zero`` grows without bound) and does not
    trust the size the file system reports: at most ``max_bytes + 1`` bytes are read.
    Raises :class:`ReadRefused` with ``file-not-found``, ``file-unreadable`` or ``file-too-large``.
    """
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of hanging
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise ReadRefused("file-not-found", "the link points to a file that does not exist") from None
        raise ReadRefused("file-not-found", "no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise ReadRefused("file-unreadable", "the link points to itself (a loop of links)") from None
        raise ReadRefused("file-unreadable", f"cannot open it ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ReadRefused("file-unreadable", "it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ReadRefused("file-unreadable", "it is not a regular file (a device, pipe or socket)")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise ReadRefused("file-too-large", f"it is larger than {max_bytes:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise ReadRefused("file-unreadable", f"cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
