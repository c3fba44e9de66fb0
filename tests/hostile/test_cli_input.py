"""Hostile arguments to the CLI: bytes that are not UTF-8, malformed specs, links whose
element types differ. Each is one line and exit 2, and writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def files_in(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_bytes(project, *args: bytes) -> subprocess.CompletedProcess[bytes]:
    """The CLI with raw bytes as arguments, as a shell passes $'\\xff'."""
    return subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"vibewidget_cli", *args],
        cwd=project,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        [b"new", b"\xff"],
        [b"new", b"w\xfe", b"desc"],
        [b"new", b"w", b"flight \xff delays"],
        [b"new", b"w", b"-e", b"x:str=\xc3\x28"],
        [b"new", b"w", b"-i", b"\xed\xa0\x80"],  # an encoded surrogate
        [b"link", b"a.\xff", b"b.c"],
        [b"update", b"\x80"],
    ],
    ids=repr,
)
def test_an_argument_that_is_not_utf8_is_one_line(project, args):
    done = run_bytes(project, *args)
    assert done.returncode == 2
    stderr = done.stderr.decode("utf-8")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    assert "is not UTF-8 text" in stderr
    assert files_in(project) == {}


BAD_SPECS = [
    (["-e", ":int"], "empty trait name"),
    (["-e", "=description only"], "empty trait name"),
    (["-e", "x:list[int]]"], "unknown type"),
    (["-e", "x:List[int]"], "unknown type"),
    (["-e", "x:int:str"], "unknown type"),
    (["-e", "x y:int"], "not a Python identifier"),
    (["-e", "a.b:int"], "not a Python identifier"),
    (["-i", "=scatter.x"], "empty trait name"),
    (["-e", "x:in\u2028t"], "unknown type"),
    (["-e", "x\u2028y:int"], "other than ASCII"),
    (["-e", "x\ty:int"], "not a Python identifier"),
    (["-i", "scatter.x.y"], "not a Python identifier"),
    (["-i", "nowhere.selected_indices"], "no widget named 'nowhere'"),
    (["-i", "w.x"], "cannot import from itself"),
    (["-e", "x:int", "-e", "x:str"], "declared twice"),
    (["-e", "-x"], "nothing to remove"),
]


@pytest.mark.parametrize(("args", "message"), BAD_SPECS, ids=repr)
def test_a_malformed_spec_is_one_line_and_writes_nothing(vibew, project, args, message):
    done = vibew("new", "w", "-t", "generic", *args)
    assert done.returncode == 2, done.stdout
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert message in done.stderr
    assert files_in(project) == {}


@pytest.mark.parametrize(
    ("exported", "imported"),
    [
        ("list[int]", "list[float]"),
        ("list[float]", "list[int]"),
        ("list[str]", "list[int]"),
        ("list[int]", "grid"),
        ("int", "float"),
        ("dict", "bytes"),
    ],
)
def test_link_refuses_element_types_that_differ(vibew, project, exported, imported):
    """`list[int]` and `list[float]` are both lists; a link between them is still refused."""
    assert vibew("new", "src", "-t", "generic", "-e", f"values:{exported}").returncode == 0
    assert vibew("new", "dst", "-t", "generic", "-i", f"values:{imported}").returncode == 0
    before = files_in(project)
    done = vibew("link", "src.values", "dst.values")
    assert done.returncode == 2
    assert f"({exported}) to dst.values ({imported}): the types differ" in done.stderr
    assert files_in(project) == before
