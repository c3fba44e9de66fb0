"""A hostile or damaged `vibew.toml` (a cloned repository, a hand edit): every command that
reads it says what is wrong in one line, exit 2, and changes nothing."""

from __future__ import annotations

import re
import shutil

import pytest
from helpers import generate_flights

from vibewidget_cli.errors import UserError
from vibewidget_cli.manifest import load


def files_in(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    """A real project, made once: a scatter whose brush a histogram imports."""
    folder = tmp_path_factory.mktemp("original")
    generate_flights(folder)
    return folder


@pytest.fixture
def made(original, project):
    """A copy of the original project for one test to damage."""
    shutil.copytree(original, project, dirs_exist_ok=True)
    return project


def edit(project, old: str, new: str, count: int = 1) -> None:
    path = project / "vibew.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in vibew.toml:\n{text}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# (what to replace in the real manifest, with what, and a part of the one line that says so)
HOSTILE = [
    ("version = 1", "version = 99", "this vibew reads version 1"),
    ("version = 1", 'version = "1"', "version = '1'"),
    ("version = 1", "version = true", "version = True"),
    ('directory = "widgets"', 'directory = "."', "must be a folder of its own"),
    ('directory = "widgets"', 'directory = "class"', "is not a Python identifier"),
    ('directory = "widgets"', 'directory = ".git/hooks"', "'.git' is not a Python identifier"),
    ('directory = "widgets"', 'directory = "/usr/lib/python3"', "is not a Python identifier"),
    ('directory = "widgets"', 'directory = "../outside"', "is not a Python identifier"),
    ('directory = "widgets"', "directory = 3", "directory is an integer; it must be a string"),
    ('directory = "widgets"', "directory = []", "directory is an array; it must be a string"),
    ('template = "scatter"', "template = 3", "template is an integer; it must be a string"),
    ('template = "scatter"', "template = []", "template is an array"),
    ('template = "scatter"', "template = { a = 1 }", "template is a table"),
    ('description = "', 'description = 3\nx = "', "description is an integer"),
    ('description = "', 'description = true\nx = "', "description is true or false"),
    ('name = "selected_indices"', "name = 5", "name is an integer"),
    ('name = "selected_indices"', 'name = "ｓｅｌｅｃｔｅｄ"', "other than ASCII"),
    ('name = "selected_indices"', 'name = "delete"', "JavaScript reserved word"),
    ('name = "selected_indices"', 'name = "traitlets"', "the widget's Python module uses"),
    ('name = "selected_indices"', 'name = "a\\nb"', "not a Python identifier"),
    ('role = "export"', 'role = "option"', "use export or import"),
    ('role = "export"', "role = 1", "role is an integer"),
    ('type = "list[int]"', 'type = "object"', "unknown type"),
    ('type = "list[int]"', "type = 1", "type is an integer"),
    ("[widgets.scatter]", '[widgets."ｓｃａｔｔｅｒ"]', "other than ASCII"),
    ("[widgets.scatter]", '[widgets."../x"]', "not a Python identifier"),
    ("[widgets.scatter]", "[widgets.Scatter]", "has capitals"),
    ("[widgets.scatter]", "[widgets.traitlets]", "wiring.py uses"),
    ("oneway = false", 'oneway = "no"', "oneway is a string; it must be true or false"),
    ("oneway = false", "oneway = 0", "oneway is an integer"),
    ('source = "scatter.selected_indices"', "source = 1", "source is an integer"),
    ('source = "scatter.selected_indices"', 'source = "scatter"', "is not WIDGET.TRAIT"),
    ('[files."widgets/__init__.py"]', '[files."../evil.py"]', "not a file of the widgets/"),
    ('[files."widgets/__init__.py"]', '[files.".git/config"]', "not a file of the widgets/"),
    ('[files."widgets/__init__.py"]', '[files."widgets/../../x.py"]', "not a file of the wid"),
    ('[files."widgets/__init__.py"]', '[files."widgets/sub/x.py"]', "not a file of the widg"),
    ('[files."widgets/__init__.py"]', '[files."widgets/x.sh"]', "not a file of the widgets/"),
    ('[files."widgets/__init__.py"]', '[files."/etc/passwd"]', "not a file of the widgets/"),
    ('sha256 = "', 'sha256 = "zz', "not a sha256 hex digest"),
    ('sha256 = "', 'sha256 = 1\nx = "', "sha256 is an integer"),
]


# Every command loads the manifest the same way (commands._load): `list` for every case, and
# the commands that write for a few.
CASES = [(*case, ("list",)) for case in HOSTILE] + [
    (*HOSTILE[i], command)
    for i in (0, 3, 11, 17, 32)
    for command in [("update",), ("new", "extra", "-t", "generic"), ("check",)]
]


@pytest.mark.parametrize(("old", "new", "message", "command"), CASES, ids=lambda v: repr(v)[:40])
def test_a_hostile_manifest_is_one_line_and_changes_nothing(
    made, vibew, old, new, message, command
):
    edit(made, old, new)
    before = files_in(made)
    done = vibew(*command)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "is not a valid vibew manifest" in lines[0]
    assert message in lines[0], lines[0]
    assert files_in(made) == before


def test_a_manifest_that_is_not_utf8_is_one_line(made, vibew):
    (made / "vibew.toml").write_bytes(b'version = 1\ndirectory = "\xff"\n')
    done = vibew("list")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_widgets_with_one_class_name_in_a_manifest_are_refused(made, vibew):
    text = (made / "vibew.toml").read_text(encoding="utf-8")
    # A second widget whose class would also be Histogram: `histogram_` next to `histogram`.
    block = re.search(r"\[widgets\.histogram\].*?(?=\n\[)", text, re.S)[0]
    (made / "vibew.toml").write_text(
        text + "\n" + block.replace("[widgets.histogram]", "[widgets.histogram_]"),
        encoding="utf-8",
    )
    done = vibew("list")
    assert done.returncode == 2
    assert "would both be class Histogram" in done.stderr


def test_load_accepts_the_manifest_vibew_writes(made):
    project = load(made)
    assert project is not None
    assert set(project.widgets) == {"scatter", "histogram"}
    assert all(path.startswith("widgets/") for path in project.files)


def test_load_refuses_a_directory_outside_even_through_the_api(made):
    edit(made, 'directory = "widgets"', 'directory = "/tmp"')
    with pytest.raises(UserError, match="not a Python identifier"):
        load(made)
