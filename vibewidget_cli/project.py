"""The project: its widgets and the links between them, and the rules that keep them sound."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from vibewidget_cli.errors import UserError
from vibewidget_cli.spec import (
    ImportRef,
    LinkSpec,
    TraitSpec,
    WidgetSpec,
    check_class_names,
    check_widget_name,
)
from vibewidget_cli.templates import all_templates


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

    def widget(self, name: str, purpose: str = "") -> WidgetSpec:
        """The widget called `name`; a user error naming the others when there is none."""
        spec = self.widgets.get(name)
        if spec is None:
            known = ", ".join(sorted(self.widgets)) or "none yet"
            raise UserError(f"no widget named {name!r}{purpose} (widgets: {known})")
        return spec

    def check_new_name(self, name: str) -> None:
        """A widget name that is valid and whose class no other widget's class would shadow."""
        check_widget_name(name)
        check_class_names([*self.widgets, name])

    def links_into(self, name: str) -> list[LinkSpec]:
        """The links that feed widget `name`'s imports."""
        return [link for link in self.links if link.target[0] == name]

    def put(self, spec: WidgetSpec, links: list[LinkSpec]) -> None:
        """Record `spec`, with `links` as the whole list of links into it."""
        self.widgets[spec.name] = spec
        self.links = [link for link in self.links if link.target[0] != spec.name] + links

    def resolve_import(self, name: str, ref: ImportRef) -> tuple[TraitSpec, LinkSpec]:
        """`--imports scatter.selected_indices`: copy the export's type and make the link."""
        if ref.widget == name:
            raise UserError(f"widget {name!r} cannot import from itself")
        source = self.widget(ref.widget, " to import from")
        exported = source.trait(ref.trait)
        if exported is None or exported.role != "export":
            exports = ", ".join(t.name for t in source.exports) or "none"
            raise UserError(f"{ref.widget} has no export {ref.trait!r} (its exports: {exports})")
        trait = replace(exported, name=ref.local, role="import", inferred=False)
        return trait, LinkSpec((ref.widget, ref.trait), (name, ref.local))

    def removable(self, spec: WidgetSpec, name: str, role: str) -> TraitSpec:
        """The trait `-NAME` removes: one of that role that no other widget imports."""
        trait = spec.trait(name)
        if trait is None or trait.role != role:
            names = ", ".join(t.name for t in spec.traits if t.role == role) or "none"
            raise UserError(f"{spec.name} has no {role} {name!r} to remove (its {role}s: {names})")
        readers = [link.target for link in self.links if link.source == (spec.name, name)]
        if readers:
            raise UserError(linked_message(spec.name, name, readers[0]))
        return trait

    def check_readers_kept(self, spec: WidgetSpec) -> None:
        """A regenerated widget keeps every export another widget imports, with its type."""
        old = self.widgets.get(spec.name)
        for link in self.links:
            if link.source[0] != spec.name:
                continue
            before = old.trait(link.source[1]) if old is not None else None
            after = spec.trait(link.source[1])
            if (
                after is None
                or after.role != "export"
                or (before is not None and after.type != before.type)
            ):
                raise UserError(linked_message(spec.name, link.source[1], link.target))

    def check_link(self, link: LinkSpec) -> None:
        """`vibew link`: an export to an import of another widget, of one type, not linked yet."""
        source, target = ".".join(link.source), ".".join(link.target)
        if link.source[0] == link.target[0]:
            raise UserError(f"cannot link widget {link.source[0]!r} to itself")
        exported = self._link_end(link.source, "export")
        imported = self._link_end(link.target, "import")
        if exported.role != "export" or imported.role != "import":
            hint = ""
            if exported.role == "import" and imported.role == "export":
                hint = f"; did you mean `vibew link {target} {source}`?"
            raise UserError(
                f"a link goes from an export to an import, but {source} is an {exported.role} "
                f"and {target} an {imported.role}{hint}"
            )
        if exported.type != imported.type:
            raise UserError(
                f"cannot link {source} ({exported.type}) to {target} ({imported.type}): "
                "the types differ"
            )
        for existing in self.links:
            if {existing.source, existing.target} == {link.source, link.target}:
                raise UserError(f"{source} and {target} are already linked ({existing})")

    def _link_end(self, ref: tuple[str, str], role: str) -> TraitSpec:
        widget = self.widget(ref[0])
        trait = widget.trait(ref[1])
        template = all_templates().get(widget.template)
        if trait is None and template and any(o.name == ref[1] for o in template.options):
            raise UserError(
                f"{'.'.join(ref)} is an option of the {template.kind} template, not an {role}; "
                "a link goes from an export to an import"
            )
        if trait is None:
            wanted = widget.exports if role == "export" else widget.imports
            names = ", ".join(t.name for t in wanted) or "none"
            raise UserError(f"{ref[0]} has no trait {ref[1]!r} (its {role}s: {names})")
        return trait


def linked_message(name: str, trait: str, reader: tuple[str, str]) -> str:
    widget, imported = reader
    return (
        f"{name}.{trait} is linked to {widget}.{imported}; remove that import first "
        f"(vibew new {widget} --imports -{imported})"
    )
