"""The one resolve step behind `vibew new`, its +/- changes and `vibew edit`: pure, no disk."""

from __future__ import annotations

import copy

import pytest

from vibewidget_cli.errors import UserError
from vibewidget_cli.manifest import Project
from vibewidget_cli.resolve import Request, resolve
from vibewidget_cli.templates import get_template


def _project() -> Project:
    project = Project()
    for request in (
        Request("scatter", exports=["selected_indices"]),
        Request("view", imports=["scatter.selected_indices"]),
    ):
        kind = "scatter" if request.name == "scatter" else "table"
        resolved = resolve(project, request, get_template(kind))
        project.put(resolved.widget, resolved.links)
    return project


def test_resolving_leaves_the_project_as_it_was():
    project = _project()
    before = copy.deepcopy(project)
    resolve(
        project, Request("view", imports=["+note:str", "-selected_indices"]), get_template("table")
    )
    assert project == before


def test_a_new_widget_gets_its_traits_links_and_the_slots_of_its_template():
    project = _project()
    view = project.widgets["view"]
    assert next((t.name, t.role, t.type) for t in view.traits) == (
        "selected_indices",
        "import",
        "list[int]",
    )
    assert [str(link) for link in project.links] == [
        "scatter.selected_indices <-> view.selected_indices"
    ]
    # The scatter brush slot described the trait the user named without a description.
    assert project.widgets["scatter"].trait("selected_indices").description


def test_changes_and_edits_go_through_the_same_step():
    project = _project()
    changed = resolve(
        project, Request("view", imports=["+note:str", "-selected_indices"]), get_template("table")
    )
    assert "removed import selected_indices" in changed.notes
    assert "added import note: str" in changed.notes
    assert changed.links == []
    edit = resolve(
        project, Request("view", exports=["picked:int"], command="edit"), get_template("table")
    )
    assert [t.name for t in edit.widget.traits][-1] == "picked"
    assert [str(link) for link in edit.links] == [
        "scatter.selected_indices <-> view.selected_indices"
    ]
    with pytest.raises(UserError, match=r"^view already has a trait 'selected_indices'$"):
        resolve(
            project,
            Request("view", imports=["selected_indices"], command="edit"),
            get_template("table"),
        )


def test_project_rules_still_hold():
    project = _project()
    with pytest.raises(UserError, match=r"scatter\.selected_indices is linked to view"):
        resolve(project, Request("scatter", exports=["-selected_indices"]), get_template("scatter"))
    with pytest.raises(UserError, match="does not exist yet: nothing to remove"):
        resolve(project, Request("other", exports=["-x"]), get_template("generic"))
    with pytest.raises(UserError, match="use --force to regenerate it from histogram"):
        resolve(
            project, Request("view", exports=["+x"], template="histogram"), get_template("table")
        )
