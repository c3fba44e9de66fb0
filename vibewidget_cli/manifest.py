"""`vibew.toml`: the project's widgets, their traits, the links between them, and what was written."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from vibewidget_cli.errors import UserError
from vibewidget_cli.project import Project
from vibewidget_cli.spec import (
    LinkSpec,
    TraitSpec,
    WidgetSpec,
    check_class_names,
    check_directory,
    check_trait_name,
    check_type,
    check_unique,
    check_widget_name,
    parse_trait_ref,
)

__all__ = ["MANIFEST", "Project", "dumps", "load"]

MANIFEST = "vibew.toml"
_VERSION = 1


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
    """The project a parsed `vibew.toml` records, every field checked for its type and range.

    The manifest is a project file: it may come from a cloned repository or a hand edit, so
    nothing in it is trusted more than what a user types.
    """
    version = data.get("version", _VERSION)
    if type(version) is not int or version != _VERSION:
        raise ValueError(
            f"version = {version!r}; this vibew reads version {_VERSION} (a newer vibew wrote it?)"
        )
    directory = check_directory(_typed(data, "directory", str, "widgets"))
    widgets = {}
    for name, entry in _typed(data, "widgets", dict, {}).items():
        _typed_table(entry, f"widgets.{name}")
        traits = _typed(entry, "traits", list, [], f"widgets.{name}")
        widgets[name] = WidgetSpec(
            name=check_widget_name(name),
            description=_typed(entry, "description", str, "", f"widgets.{name}"),
            template=_typed(entry, "template", str, None, f"widgets.{name}"),
            traits=[_trait(t, f"widgets.{name}.traits") for t in traits],
            data=_typed(entry, "data", bool, False, f"widgets.{name}"),
        )
        check_unique(widgets[name].traits)
    check_class_names(list(widgets))
    links = []
    for entry in _typed(data, "links", list, []):
        _typed_table(entry, "links")
        links.append(
            LinkSpec(
                parse_trait_ref(_typed(entry, "source", str, None, "links")),
                parse_trait_ref(_typed(entry, "target", str, None, "links")),
                _typed(entry, "oneway", bool, False, "links"),
                _typed(entry, "js", bool, False, "links"),
            )
        )
    files = {}
    for path, entry in _typed(data, "files", dict, {}).items():
        _typed_table(entry, f"files.{path!r}")
        digest = _typed(entry, "sha256", str, None, f"files.{path!r}")
        if not _SHA256.fullmatch(digest):
            raise ValueError(f"files.{path!r}.sha256 is not a sha256 hex digest")
        files[_tracked_path(path, directory)] = digest
    sources = {}
    for name, entry in data.get("widgets", {}).items():
        if "source" in entry:
            source = _typed(entry, "source", str, None, f"widgets.{name}")
            if source != "llm":
                raise ValueError(f"widgets.{name}.source is {source!r}; the one source is 'llm'")
            sources[name] = source
    return Project(directory=directory, widgets=widgets, links=links, files=files, sources=sources)


_SHA256 = re.compile(r"[0-9a-f]{64}")
#: What vibew writes inside the widgets package: modules, their JS, and nothing in subfolders.
_PACKAGE_FILE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.(py|js|css)")


def _tracked_path(path: str, directory: str) -> str:
    """A `[files]` key: a file vibew writes in the widgets package (the journal trusts these)."""
    folder, _, name = path.rpartition("/")
    if folder != directory or not _PACKAGE_FILE.fullmatch(name):
        raise ValueError(f"files lists {path!r}, which is not a file of the {directory}/ package")
    return path


def _typed(table: dict[str, Any], key: str, kind: type, default: Any, where: str = "") -> Any:
    """`table[key]`, refused unless it is a `kind` (`default` when missing; None: required)."""
    name = f"{where}.{key}" if where else key
    if key not in table:
        if default is None:
            raise ValueError(f"{name} is missing")
        return default
    value = table[key]
    # bool is an int in Python; TOML keeps them apart, and so does the manifest.
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{name} is {_toml_type(value)}; it must be {_toml_type(kind)}")
    return value


def _typed_table(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ValueError(f"{where} is {_toml_type(value)}; it must be a table")


def _toml_type(value: Any) -> str:
    kind = value if isinstance(value, type) else type(value)
    names = {str: "a string", bool: "true or false", int: "an integer", float: "a number",
             list: "an array", dict: "a table"}  # fmt: skip
    return names.get(kind, f"a {kind.__name__}")


def _trait(entry: Any, where: str) -> TraitSpec:
    """One `[[widgets.NAME.traits]]` entry, checked as `vibew new` checks what the user types."""
    _typed_table(entry, where)
    name = check_trait_name(_typed(entry, "name", str, None, where))
    role = _typed(entry, "role", str, None, where)
    if role not in ("export", "import"):
        raise ValueError(f"trait {name!r} has role {role!r}; use export or import")
    return TraitSpec(
        name,
        check_type(_typed(entry, "type", str, None, where), name),
        role,
        _typed(entry, "description", str, "", where),
    )


def dumps(project: Project) -> str:
    import tomli_w

    widgets: dict[str, Any] = {}
    for name in sorted(project.widgets):
        spec = project.widgets[name]
        entry: dict[str, Any] = {"template": spec.template, "description": spec.description}
        if name in project.sources:
            entry["source"] = project.sources[name]
        if spec.data:
            entry["data"] = True
        entry["traits"] = [
            {"name": t.name, "type": t.type, "role": t.role, "description": t.description}
            for t in spec.traits
        ]
        widgets[name] = entry
    data: dict[str, Any] = {"version": _VERSION, "directory": project.directory, "widgets": widgets}
    if project.links:
        data["links"] = [_link_entry(link) for link in project.links]
    data["files"] = {path: {"sha256": project.files[path]} for path in sorted(project.files)}
    header = "# Written by vibew: the widgets, their traits and links, and the files generated.\n"
    return header + tomli_w.dumps(data)


def _link_entry(link: LinkSpec) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "source": ".".join(link.source),
        "target": ".".join(link.target),
        "oneway": link.oneway,
    }
    if link.js:  # only then, so a manifest without browser links reads as it always did
        entry["js"] = True
    return entry
