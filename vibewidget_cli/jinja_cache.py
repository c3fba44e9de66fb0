"""Jinja's compiled templates, kept between runs in a per-user cache folder."""

from __future__ import annotations

import contextlib
import os
import stat

import jinja2

from vibewidget_cli import __version__


class _QuietCache(jinja2.FileSystemBytecodeCache):
    """Only ever an optimisation: a failed read or write means compiling anew."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """The cache for `jinja2.Environment(bytecode_cache=...)`; None when there is no folder
    vibew may use. Compiling the templates is otherwise a third of `vibew new`'s time.

    `$XDG_CACHE_HOME/vibew/jinja-VERSION` (else `~/.cache/vibew/...`), never in the user's
    project. Jinja names each entry by the template's name and a checksum of its source, so an
    edited template is compiled again. What is in the folder runs, so it must be the user's
    own and closed to others; otherwise, or when it cannot be written, nothing is cached.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(base):
        return None
    folder = os.path.join(base, "vibew", f"jinja-{__version__}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        status = os.lstat(folder)
    except OSError:
        return None
    private = not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    owned = not hasattr(os, "getuid") or status.st_uid == os.getuid()
    if not (stat.S_ISDIR(status.st_mode) and private and owned and os.access(folder, os.W_OK)):
        return None
    return _QuietCache(folder)
