"""The link graph → the text of the generated `wiring.py`, from `_shared/wiring.py.j2`. Pure.

Same manifest, same text. Widget and trait names are checked identifiers; whatever else
reaches the text goes through render's escaping filters, as in the other templates. (render
imports this module too: each uses the other's functions only when called, so either may be
imported first.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibewidget_cli import render
from vibewidget_cli.errors import UserError
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
        browser=_browser_functions(project.links),
    )


def check_browser_link(project: Project, link: LinkSpec) -> None:
    """A link in the browser copies the value as it travels: both ends must travel alike."""
    problem = browser_link_problem(project, link)
    if problem:
        source, target = ".".join(link.source), ".".join(link.target)
        raise UserError(f"cannot link {source} and {target} in the browser: {problem}")


def browser_link_problem(project: Project, link: LinkSpec) -> str:
    """Why `link` cannot join its ends in the page ('' when it can)."""
    source_rows, target_rows = _is_rows(project, link.source), _is_rows(project, link.target)
    if source_rows == target_rows:
        return ""
    rows, listed = (link.source, link.target) if source_rows else (link.target, link.source)
    return (
        f"{'.'.join(rows)} travels as one int32 buffer and {'.'.join(listed)} as a JSON list; "
        "link them in the kernel (without --js), which converts between the two"
    )


def _browser_functions(links: list[LinkSpec]) -> dict[str, object] | None:
    """The `jslink` / `jsdlink` names the wiring binds, and what they are in and out of marimo."""
    used = [
        name
        for name, oneway in (("jslink", False), ("jsdlink", True))
        if any(link.js and link.oneway == oneway for link in links)
    ]
    if not used:
        return None
    in_kernel = {"jslink": "traitlets.link", "jsdlink": "traitlets.dlink"}
    return {
        "names": ", ".join(used),
        "in_kernel": ", ".join(in_kernel[name] for name in used),
        "in_page": ", ".join(f"ipywidgets.{name}" for name in used),
        "kernel_links": any(not link.js for link in links),
    }


def _link_call(project: Project, link: LinkSpec) -> dict[str, str]:
    """What the template needs to write one link call."""
    if link.js:  # the same kind of trait at both ends (`check_browser_link`): no transform
        function = "jsdlink" if link.oneway else "jslink"
    else:
        function = "traitlets.dlink" if link.oneway else "traitlets.link"
    source_rows, target_rows = _is_rows(project, link.source), _is_rows(project, link.target)
    transform = ""
    if source_rows != target_rows and not link.js:
        forward, back = (_TO_LIST, _AS_IS) if source_rows else (_AS_IS, _TO_LIST)
        if not link.oneway:
            transform = f"transform=({forward}, {back})"
        elif source_rows:
            transform = forward
    return {
        "function": function,
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
