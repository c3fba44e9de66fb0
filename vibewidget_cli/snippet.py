"""The notebook code `vibew` prints after a command: the widget, and every widget its links need."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibewidget_cli.render import has_data

if TYPE_CHECKING:
    from vibewidget_cli.project import Project


def notebook_snippet(project: Project, name: str) -> str:
    """Notebook code that shows widget `name`, with every widget its links need."""
    group = _linked_group(project, name)
    package = project.directory.replace("/", ".")
    widgets = [project.widgets[n] for n in group]
    classes = ", ".join(sorted(w.class_name for w in widgets))
    lines = [f"from {package} import {classes}"]
    if len(group) > 1:
        lines.append(f"from {package}.wiring import link")
    lines.append("")
    for widget in widgets:
        lines.append(f"{widget.name} = {widget.class_name}({'df' if has_data(widget) else ''})")
    if len(group) > 1:
        lines.append("links = link(" + ", ".join(f"{n}={n}" for n in sorted(group)) + ")")
        lines.append(f"display({', '.join(group)})")
    else:
        lines.append(name)
    return "\n".join(lines) + "\n"


def _linked_group(project: Project, name: str) -> list[str]:
    """`name` and every widget the wiring module's `link()` needs with it: exporters first."""
    if not any(name in (link.source[0], link.target[0]) for link in project.links):
        return [name]
    sources = [link.source[0] for link in project.links]
    targets = [link.target[0] for link in project.links]
    return list(dict.fromkeys(sources + targets))
