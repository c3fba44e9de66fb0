"""The link graph → the text of the generated `wiring.py`, from `_shared/wiring.py.j2`. Pure.

Same manifest, same text. Widget and trait names are checked identifiers; whatever else
reaches the text goes through render's escaping filters, as in the other templates. (render
imports this module too: each uses the other's functions only when called, so either may be
imported first.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibewidget_cli import render
from vibewidget_cli.spec import class_name, is_row_selection

if TYPE_CHECKING:
    from vibewidget_cli.manifest import Project
    from vibewidget_cli.spec import LinkSpec

# A row selection (a `RowIndices` trait) holds a numpy array, which a plain `List(Int())`
# trait refuses: linked to one under another name, it goes over as a list.
_TO_LIST = "lambda rows: rows.tolist()"
_AS_IS = "lambda rows: rows"


def render_wiring(project: Project) -> str:
    names = sorted({name for link in project.links for name in (link.source[0], link.target[0])})
    environment = render._environment()
    template = environment.get_template("_shared/wiring.py.j2")
    return template.render(
        links=[str(link) for link in project.links],
        widgets=[{"name": name, "cls": class_name(name)} for name in names],
        calls=[_link_call(project, link) for link in project.links],
    )


def _link_call(project: Project, link: LinkSpec) -> dict[str, str]:
    """What the template needs to write one `traitlets.link` or `traitlets.dlink` call."""
    source_rows, target_rows = _is_rows(project, link.source), _is_rows(project, link.target)
    transform = ""
    if source_rows != target_rows:
        forward, back = (_TO_LIST, _AS_IS) if source_rows else (_AS_IS, _TO_LIST)
        if not link.oneway:
            transform = f"transform=({forward}, {back})"
        elif source_rows:
            transform = forward
    return {
        "function": "dlink" if link.oneway else "link",
        "source": link.source[0],
        "source_trait": link.source[1],
        "target": link.target[0],
        "target_trait": link.target[1],
        "transform": transform,
    }


def _is_rows(project: Project, ref: tuple[str, str]) -> bool:
    widget = project.widgets.get(ref[0])
    trait = widget.trait(ref[1]) if widget is not None else None
    return trait is not None and is_row_selection(trait)
