"""The `vibew new` command as a user meets it: output, refusals, dry runs, start-up cost."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest


def files_in(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_new_writes_the_widget_the_package_and_the_manifest(vibew, project):
    done = vibew("new", "scatter", "flight delays vs distance", "--exports", "selected_indices")
    assert done.returncode == 0, done.stderr
    assert "selected_indices: list[int] (inferred from its name)" in done.stdout
    assert "template scatter" in done.stdout
    for path in ("widgets/scatter.py", "widgets/scatter.js", "widgets/__init__.py"):
        assert path in done.stdout
        assert (project / path).is_file()
    assert "from widgets import Scatter" in done.stdout  # the notebook snippet
    assert "from .scatter import Scatter" in (project / "widgets/__init__.py").read_text()

    manifest = tomllib.loads((project / "vibew.toml").read_text())
    scatter = manifest["widgets"]["scatter"]
    assert scatter["template"] == "scatter"
    assert scatter["traits"] == [
        {
            "name": "selected_indices",
            "type": "list[int]",
            "role": "export",
            "description": "rows selected by the brush",
        }
    ]
    assert set(manifest["files"]) >= {"widgets/scatter.py", "widgets/scatter.js"}


def test_second_widget_imports_the_first_and_is_linked(vibew, project):
    vibew("new", "scatter", "--exports", "selected_indices")
    done = vibew("new", "histogram", "delays", "--imports", "scatter.selected_indices")
    assert done.returncode == 0, done.stderr
    manifest = tomllib.loads((project / "vibew.toml").read_text())
    assert manifest["links"] == [
        {
            "source": "scatter.selected_indices",
            "target": "histogram.selected_indices",
            "oneway": False,
        }
    ]
    assert (
        manifest["widgets"]["histogram"]["traits"][0]["description"] == "rows selected by the brush"
    )
    assert (project / "widgets/wiring.py").is_file()
    assert "link(histogram=histogram, scatter=scatter)" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "bad-name"], "not a Python identifier"),
        (["new", "class"], "keyword"),
        (["new", "w", "--exports", "layout"], "already used by anywidget.AnyWidget"),
        (["new", "w", "--exports", "data"], "reserved by the generated class"),
        (["new", "w", "--exports", "x:float64"], "unknown type"),
        (["new", "w", "--exports", "a", "--imports", "a"], "declared twice"),
        (["new", "w", "--template", "pie"], "unknown template"),
        (["new", "w", "--dir", "../outside"], "outside the project"),
        (["new", "w", "--dir", "/tmp"], "outside the project"),
        (["new", "w", "--dir", "."], "must be a folder of its own"),
        (["new", "w", "--dir", "./"], "must be a folder of its own"),
        (["new", "w", "--dir", "my-widgets"], "'my-widgets' is not a Python identifier"),
        (["new", "w", "--dir", "src/class"], "'class' is not a Python identifier (or is a k"),
        (["new", "w", "--dir", "2d/charts"], "'2d' is not a Python identifier"),
        (["new", "w", "--imports", "nowhere.selected_indices"], "no widget named 'nowhere'"),
        (
            ["new", "s", "--template", "scatter", "--exports", "x:str"],
            "option of the scatter template",
        ),
        (
            ["new", "scatter", "f", "--exports", "selected_indices:str"],
            "the scatter template drives selected_indices as an export of type list[int] or predicate, "
            "but it is declared as export str",
        ),
        (
            ["new", "scatter", "--imports", "selected_indices"],
            "the scatter template drives selected_indices as an export of type list[int] or predicate, "
            "but it is declared as import list[int]",
        ),
    ],
)
def test_mistakes_get_one_line_exit_2_and_nothing_written(vibew, project, args, message):
    done = vibew(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert files_in(project) == {}


def test_existing_widget_or_edited_file_is_never_overwritten_without_force(vibew, project):
    assert vibew("new", "scatter", "--exports", "selected_indices").returncode == 0
    before = files_in(project)
    again = vibew("new", "scatter", "--exports", "selected_indices")
    assert again.returncode == 2 and "already exists" in again.stderr
    assert files_in(project) == before

    js = project / "widgets/scatter.js"
    js.write_text(js.read_text() + "\n// my edit\n")
    edited = files_in(project)
    forced_other = vibew("new", "histogram")  # rewrites __init__.py only; scatter.js untouched
    assert forced_other.returncode == 0
    assert js.read_text() == edited["widgets/scatter.js"]

    refused = vibew(
        "new", "scatter", "--exports", "selected_indices", "--template", "generic", "--force"
    )
    assert refused.returncode == 0
    assert (project / "widgets/scatter.js.orig").read_text() == edited["widgets/scatter.js"]


def test_a_file_vibew_did_not_write_is_refused(vibew, project):
    (project / "widgets").mkdir()
    (project / "widgets/scatter.js").write_text("// mine\n")
    done = vibew("new", "scatter")
    assert done.returncode == 2 and "was not written by vibew" in done.stderr
    assert (project / "widgets/scatter.js").read_text() == "// mine\n"
    assert not (project / "vibew.toml").exists()


def test_dry_run_prints_the_tree_and_text_and_writes_nothing(vibew, project):
    done = vibew("new", "scatter", "--exports", "selected_indices", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "widgets/scatter.js" in done.stdout and "widgets/scatter.py" in done.stdout
    assert "class Scatter(anywidget.AnyWidget)" in done.stdout
    assert 'model.set("selected_indices"' in done.stdout
    assert files_in(project) == {}


def test_custom_dir_and_template_choice(vibew, project):
    done = vibew("new", "delays", "histogram of delays", "--dir", "src/charts")
    assert done.returncode == 0, done.stderr
    assert "template histogram" in done.stdout
    assert (project / "src/charts/delays.py").is_file()
    assert "from src.charts import Delays" in done.stdout
    fallback = vibew("new", "thing", "something unusual")
    assert "template generic" in fallback.stdout


def test_dir_with_a_trailing_slash_is_the_projects_directory(vibew, project):
    assert vibew("new", "scatter", "--dir", "src/charts").returncode == 0
    done = vibew("new", "histogram", "--dir", "src/charts/")
    assert done.returncode == 0, done.stderr
    assert (project / "src/charts/histogram.py").is_file()
    assert 'directory = "src/charts"' in (project / "vibew.toml").read_text()
    split = vibew("new", "table", "--dir", "charts")
    assert split.returncode == 2 and "would split them" in split.stderr


def test_start_up_imports_no_heavy_packages(vibew, project):
    probe = textwrap.dedent(
        """
        import sys
        from vibewidget_cli.cli import main
        sys.argv = ["vibew", *sys.argv[1:]]
        try:
            main()
        except SystemExit:
            pass
        heavy = sorted({m.split(".")[0] for m in sys.modules} & {
            "openai", "pandas", "copier", "jupyter_client", "jupyter_core", "jupyterlab",
            "jupyter_server", "ipykernel", "notebook", "anywidget", "ipywidgets", "IPython",
            "tree_sitter", "tree_sitter_javascript", "merge3"})
        print("HEAVY", heavy, file=sys.stderr)
        """
    )
    # anywidget (and so ipywidgets and IPython) cost a fifth of a second: the names vibew must
    # not reuse are a list in spec.py; tree-sitter is for checks, merge3 for merging edits.
    for args in (["--help"], ["new", "scatter", "--exports", "selected_indices"]):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], cwd=project, capture_output=True, text=True
        )
        assert "HEAVY []" in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [(["new"], "Missing argument"), (["new", "w", "--bogus"], "No such option: --bogus")],
)
def test_usage_mistakes_are_one_line_too(vibew, project, args, message):
    done = vibew(*args)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert message in done.stderr and "--help" in done.stderr


def test_help_exits_0(vibew):
    for args in ([], ["--help"], ["new", "--help"]):
        done = vibew(*args)
        assert done.returncode == 0, args
        assert "Usage" in done.stdout


def test_the_snippet_for_a_linked_widget_makes_every_widget_the_links_need(vibew, project):
    vibew("new", "scatter", "--exports", "selected_indices")
    vibew("new", "picker", "dropdown of airlines", "--exports", "selected_airlines")
    done = vibew(
        "new",
        "view",
        "table",
        "--imports",
        "scatter.selected_indices",
        "--imports",
        "picker.selected_airlines",
    )
    assert done.returncode == 0, done.stderr
    snippet = done.stdout.split("In a notebook:")[1]
    assert "from widgets import Picker, Scatter, View" in snippet
    for line in (
        "scatter = Scatter(df)",
        "picker = Picker(df)",
        "view = View(df)",
        "links = link(picker=picker, scatter=scatter, view=view)",
    ):
        assert line in snippet


def test_data_on_a_template_that_reads_no_rows_makes_the_widget_take_a_table(vibew, project):
    (project / "rows.csv").write_text("a,b\n1,2\n")
    done = vibew("new", "pad", "-t", "painter", "--data", "rows.csv", "--no-llm")
    assert done.returncode == 0, done.stderr
    assert "pad = Pad(df)" in done.stdout.split("In a notebook:")[1]
    manifest = tomllib.loads((project / "vibew.toml").read_text())
    assert manifest["widgets"]["pad"]["data"] is True
    # Without --data the painter takes no table, and the manifest says nothing of one.
    done = vibew("new", "sketch", "-t", "painter")
    assert done.returncode == 0, done.stderr
    assert "sketch = Sketch()" in done.stdout.split("In a notebook:")[1]
    assert "data" not in tomllib.loads((project / "vibew.toml").read_text())["widgets"]["sketch"]


def test_a_manifest_data_flag_must_be_true_or_false(vibew, project):
    assert vibew("new", "pad", "-t", "painter").returncode == 0
    path = project / "vibew.toml"
    path.write_text(
        path.read_text().replace('template = "painter"', 'template = "painter"\ndata = "yes"')
    )
    done = vibew("update")
    assert done.returncode == 2
    assert "widgets.pad.data is a string; it must be true or false" in done.stderr
