"""Merges into files as users really keep them: CRLF or lone-CR line endings (an editor on
Windows, git's autocrlf), no final newline, text beyond ASCII, and `--force` more than once.
The user's line endings and text are kept; an earlier `.orig` copy is never overwritten.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

from vibewidget_cli import files

EDIT = "// my colour scale\n"
ANCHOR = "function sameRows("


def make_scatter(vibew) -> None:
    done = vibew("new", "scatter", "points", "--exports", "selected_indices")
    assert done.returncode == 0, done.stderr


def raw(path: Path) -> str:
    """The text exactly as it is on disk (no newline translation)."""
    return path.read_bytes().decode("utf-8")


def with_eol(text: str, eol: str) -> str:
    return text.replace("\n", eol)


def assert_only(text: str, eol: str) -> None:
    """Every line of `text` ends with `eol`, and no other line ending is in it."""
    others = {"\r\n", "\r", "\n"} - {eol}
    stripped = text.replace(eol, "")
    assert not any(other in stripped for other in others), repr(text[:200])
    assert eol in text


def manifest_consistent(project: Path) -> None:
    """Every hash vibew.toml records is the hash of its base copy: the text vibew generated
    (with `\\n`), whatever the line endings of the user's file."""
    recorded = tomllib.loads((project / "vibew.toml").read_text())["files"]
    for path, entry in recorded.items():
        base = (project / ".vibew/base" / path).read_bytes()
        assert b"\r" not in base, path
        assert hashlib.sha256(base).hexdigest() == entry["sha256"], path


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_a_merge_keeps_the_users_line_endings_and_edit(vibew, project, eol):
    make_scatter(vibew)
    js, py = project / "widgets/scatter.js", project / "widgets/scatter.py"
    text = raw(js)
    assert text.count(ANCHOR) == 1
    js.write_bytes(with_eol(text.replace(ANCHOR, EDIT + ANCHOR), eol).encode())
    py.write_bytes(with_eol(raw(py) + "\n# mine\n", eol).encode())

    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 0, done.stderr
    assert "merged" in done.stdout
    for path, mine in ((js, EDIT), (py, "# mine\n")):
        text = raw(path)
        assert_only(text, eol)
        assert with_eol(mine, eol) in text
        assert "<<<<<<<" not in text
    assert with_eol(" * @property {string} color  written here\n", eol) in raw(js)
    assert with_eol('    color = traitlets.Unicode("").tag(sync=True)\n', eol) in raw(py)
    manifest_consistent(project)

    # Nothing new: the files stay as they are, line endings included.
    before = raw(js), raw(py)
    done = vibew("update")
    assert done.returncode == 0, done.stderr
    assert (raw(js), raw(py)) == before

    # Taking the trait out again gives back the user's file, in their line endings.
    done = vibew("new", "scatter", "--exports", "-color")
    assert done.returncode == 0, done.stderr
    assert raw(js) == with_eol(text_of_edit(project), eol)


def text_of_edit(project: Path) -> str:
    """What the edited scatter.js holds without the color trait: its base, with the edit."""
    base = raw(project / ".vibew/base/widgets/scatter.js")
    return base.replace(ANCHOR, EDIT + ANCHOR)


def test_a_conflict_in_a_crlf_file_is_marked_in_crlf(vibew, project):
    make_scatter(vibew)
    js = project / "widgets/scatter.js"
    text = raw(js)
    # The Model typedef's last line, which the new trait's line follows.
    last = [line for line in text.splitlines() if line.startswith(" * @property ")][-1]
    js.write_bytes(with_eol(text.replace(last, last + " (mine)"), "\r\n").encode())
    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 1, done.stdout + done.stderr
    merged = raw(js)
    assert_only(merged, "\r\n")
    assert "\r\n<<<<<<< yours\r\n" in merged and "\r\n>>>>>>> vibew\r\n" in merged
    lines = merged.split("\r\n")
    start = lines.index("<<<<<<< yours") + 1
    end = lines.index(">>>>>>> vibew") + 1
    assert f"widgets/scatter.js:{start}-{end}" in done.stderr


def test_force_twice_keeps_both_orig_copies(vibew, project):
    make_scatter(vibew)
    js = project / "widgets/scatter.js"
    texts = []
    for n, trait in enumerate(["+color:str", "+size:int", "+label:str"]):
        text = raw(js) + f"// edit {n}\n"
        js.write_text(text)
        texts.append(text)
        (project / ".vibew/base/widgets/scatter.js").unlink()  # so only --force replaces it
        done = vibew("new", "scatter", "--exports", trait, "--force")
        assert done.returncode == 0, done.stderr
    assert raw(project / "widgets/scatter.js.orig") == texts[0]
    assert raw(project / "widgets/scatter.js.orig.1") == texts[1]
    assert raw(project / "widgets/scatter.js.orig.2") == texts[2]


def test_an_orig_that_is_a_folder_or_a_link_is_not_overwritten(vibew, project, tmp_path):
    make_scatter(vibew)
    js = project / "widgets/scatter.js"
    (project / "widgets/scatter.js.orig").mkdir()
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not vibew's\n")
    (project / "widgets/scatter.js.orig.1").symlink_to(elsewhere)
    edited = raw(js) + "// mine\n"
    js.write_text(edited)
    (project / ".vibew/base/widgets/scatter.js").unlink()
    done = vibew("new", "scatter", "--exports", "+color:str", "--force")
    assert done.returncode == 0, done.stderr
    assert raw(project / "widgets/scatter.js.orig.2") == edited
    assert elsewhere.read_text() == "not vibew's\n"


def test_a_file_without_a_final_newline(vibew, project):
    make_scatter(vibew)
    py = project / "widgets/scatter.py"
    text = raw(py).rstrip("\n") + "\n\n# the last line, without a newline"
    py.write_text(text)
    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 0, done.stderr
    merged = raw(py)
    assert merged.endswith("\n# the last line, without a newline")
    assert 'color = traitlets.Unicode("")' in merged


def test_text_beyond_ascii_is_kept(vibew, project):
    """U+2028 is a line break to str.splitlines, not to Python or to an editor's line count."""
    make_scatter(vibew)
    py = project / "widgets/scatter.py"
    mine = "# café ✓ 日本語 🎯 \u2028 still the same comment line\n"
    py.write_text(mine + raw(py) + "\nNAMES = {'ü': 'ü', '∑': 'σ'}\n", encoding="utf-8")
    js = project / "widgets/scatter.js"
    js.write_text(raw(js).replace(ANCHOR, "// ½ · ü · ✓ — 日本\n" + ANCHOR), encoding="utf-8")
    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 0, done.stderr
    merged = raw(py)
    assert merged.startswith(mine)
    assert merged.endswith("\nNAMES = {'ü': 'ü', '∑': 'σ'}\n")
    assert 'color = traitlets.Unicode("")' in merged
    assert "// ½ · ü · ✓ — 日本\n" + ANCHOR in raw(js)
    compile(merged, "scatter.py", "exec")


def test_a_file_that_is_not_utf8_is_one_line_and_nothing_is_written(vibew, project):
    make_scatter(vibew)
    js = project / "widgets/scatter.js"
    text = raw(js).replace(ANCHOR, "// caf\xe9\n" + ANCHOR)
    js.write_bytes(text.encode("latin-1", errors="replace"))  # é as one byte: not UTF-8
    before = js.read_bytes(), (project / "vibew.toml").read_bytes()
    done = vibew("new", "scatter", "--exports", "+color:str")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "widgets/scatter.js is not UTF-8 text" in done.stderr
    assert (js.read_bytes(), (project / "vibew.toml").read_bytes()) == before


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_merge_converts_vibews_text_to_the_users_line_endings(eol):
    base = "a\nb\nc\n"
    new = "a\nb\nB2\nc\n"
    yours = with_eol("a\nmine\nb\nc\n", eol)
    merged, conflicts = files.merge(base, yours, new)
    assert merged == with_eol("a\nmine\nb\nB2\nc\n", eol)
    assert conflicts == ()
    merged, conflicts = files.merge(base, with_eol("a\nb\nX\nc\n", eol), new)
    assert merged == with_eol("a\nb\n<<<<<<< yours\nX\n=======\nB2\n>>>>>>> vibew\nc\n", eol)
    assert conflicts == (files.Conflict(3, 7),)


@pytest.mark.parametrize(
    ("text", "eol"),
    [
        ("a\nb\n", "\n"),
        ("a\r\nb\r\n", "\r\n"),
        ("a\rb\r", "\r"),
        ("one line", "\n"),
        ("a\r\nb\r\nc\n", "\r\n"),
        ("a\nb\nc\r\n", "\n"),
    ],
)
def test_line_ending_is_the_one_most_lines_use(text, eol):
    assert files.line_ending(text) == eol
