"""`vibew.toml`: the project's widgets, their traits, the links between them, and what was written."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vibewidget_cli.errors import UserError
from vibewidget_cli.spec import (
    LinkSpec,
    TraitSpec,
    WidgetSpec,
    check_trait_name,
    check_type,
    check_unique,
    check_widget_name,
    parse_trait_ref,
)

MANIFEST = "vibew.toml"
_VERSION = 1


@dataclass
class Project:
    """Everything `vibew.toml` records. The widgets package is rendered from this alone."""

    directory: str = "widgets"
    widgets: dict[str, WidgetSpec] = field(default_factory=dict)
    links: list[LinkSpec] = field(default_factory=list)
    #: path → sha256 of the text vibew generated there (its base, kept in .vibew/base/)
    files: dict[str, str] = field(default_factory=dict)
    #: widget name → where its JS came from when not from its template ("llm")
    sources: dict[str, str] = field(default_factory=dict)


def load(root: Path) -> Project | None:
    """The project at `root`, or None when it has no manifest yet."""
    path = root / MANIFEST
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _from_toml(data)
    # UserError: a name or type that `vibew new` would have refused
    except (
        tomllib.TOMLDecodeError,
        KeyError,
        TypeError,
        ValueError,
        AttributeError,
        UserError,
    ) as e:
        reason = f"{e} is missing" if isinstance(e, KeyError) else str(e)
        raise UserError(f"{path} is not a valid vibew manifest: {reason}") from None


def _from_toml(data: dict[str, Any]) -> Project:
    widgets = {}
    for name, entry in data.get("widgets", {}).items():
        widgets[name] = WidgetSpec(
            name=check_widget_name(name),
            description=entry.get("description", ""),
            template=entry["template"],
            traits=[_trait(t) for t in entry.get("traits", [])],
        )
        check_unique(widgets[name].traits)
    links = [
        LinkSpec(
            parse_trait_ref(link["source"]),
            parse_trait_ref(link["target"]),
            bool(link.get("oneway", False)),
        )
        for link in data.get("links", [])
    ]
    return Project(
        directory=data.get("directory", "widgets"),
        widgets=widgets,
        links=links,
        files={path: entry["sha256"] for path, entry in data.get("files", {}).items()},
        sources={name: e["source"] for name, e in data.get("widgets", {}).items() if "source" in e},
    )


def _trait(entry: dict[str, Any]) -> TraitSpec:
    """One `[[widgets.NAME.traits]]` entry, checked as `vibew new` checks what the user types."""
    name = check_trait_name(entry["name"])
    if entry["role"] not in ("export", "import"):
        raise ValueError(f"trait {name!r} has role {entry['role']!r}; use export or import")
    return TraitSpec(
        name, check_type(entry["type"], name), entry["role"], entry.get("description", "")
    )


def dumps(project: Project) -> str:
    import tomli_w

    widgets: dict[str, Any] = {}
    for name in sorted(project.widgets):
        spec = project.widgets[name]
        entry: dict[str, Any] = {"template": spec.template, "description": spec.description}
        if name in project.sources:
            entry["source"] = project.sources[name]
        entry["traits"] = [
            {"name": t.name, "type": t.type, "role": t.role, "description": t.description}
            for t in spec.traits
        ]
        widgets[name] = entry
    data: dict[str, Any] = {"version": _VERSION, "directory": project.directory, "widgets": widgets}
    if project.links:
        data["links"] = [
            {
                "source": ".".join(link.source),
                "target": ".".join(link.target),
                "oneway": link.oneway,
            }
            for link in project.links
        ]
    data["files"] = {path: {"sha256": project.files[path]} for path in sorted(project.files)}
    header = "# Written by vibew: the widgets, their traits and links, and the files generated.\n"
    return header + tomli_w.dumps(data)
