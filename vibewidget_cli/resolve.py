"""A request and the project → the widget spec to render: traits, links, template slots. Pure.

`vibew new` (a whole list of traits, or `+SPEC`/`-NAME` changes to an existing widget) and
`vibew edit` (traits the edit adds) all go through `resolve`; the project's own rules (names,
links, exports other widgets read) are methods of `Project`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from vibewidget_cli.errors import UserError
from vibewidget_cli.project import Project
from vibewidget_cli.spec import (
    ImportRef,
    LinkSpec,
    Role,
    TraitSpec,
    WidgetSpec,
    check_unique,
    parse_import,
    parse_trait,
)
from vibewidget_cli.templates import Template, bind_slots


@dataclass
class Request:
    """What the user asked of one widget, carried through the steps of a command."""

    name: str
    description: str = ""
    #: `name[:type][=description]` each; `+SPEC` / `-NAME` when they change an existing widget
    exports: Sequence[str] = ()
    imports: Sequence[str] = ()
    #: `--template` as given (None: chosen from the name and description)
    template: str | None = None
    #: `--data FILE` on a template that reads no rows: the widget takes a table all the same
    data: bool = False
    #: `vibew new` replaces or changes the widget's traits; `vibew edit` only adds traits
    command: Literal["new", "edit"] = "new"

    def asked(self) -> list[tuple[Role, str]]:
        """Each trait spec with its role, exports first, stripped of spaces."""
        exports: list[tuple[Role, str]] = [("export", s.strip()) for s in self.exports]
        return exports + [("import", s.strip()) for s in self.imports]

    def is_change(self) -> bool:
        """`+SPEC` and `-NAME` change an existing widget's traits; plain specs give the whole list."""
        specs = [spec.strip() for spec in [*self.exports, *self.imports]]
        changes = [spec for spec in specs if spec.startswith(("+", "-"))]
        if changes and len(changes) != len(specs):
            raise UserError(
                "give either the whole list of traits (NAME[:type]) or changes to it "
                "(+NAME[:type] adds, -NAME removes), not both"
            )
        return bool(changes)


@dataclass
class Resolved:
    """The widget as it will be rendered, the links into it, and what to tell the user."""

    widget: WidgetSpec
    links: list[LinkSpec]
    notes: list[str] = field(default_factory=list)


def resolve(project: Project, request: Request, template: Template) -> Resolved:
    """The widget `request` asks for, resolved against `project` and `template`.

    A new widget (or one regenerated with --force) gets the traits listed; an existing widget
    asked for changes (or an edit) keeps its own, minus the `-NAME`s (first, so that
    `-color +color:int` changes a type), plus the added ones. Then the template's slots are
    bound. Nothing is written and `project` is left as it is.
    """
    old = project.widgets.get(request.name)
    if old is not None and (request.command == "edit" or request.is_change()):
        if request.template is not None and request.template != old.template:
            raise UserError(
                f"{old.name} is made from the {old.template} template; "
                f"use --force to regenerate it from {request.template}"
            )
        widget = replace(
            old,
            description=request.description or old.description,
            data=old.data or request.data,
        )
        step = _Step(project, request, template, widget, project.links_into(old.name), True)
        step.remove()
    else:
        for _, text in request.asked():
            if text.startswith("-"):
                raise UserError(
                    f"widget {request.name!r} does not exist yet: nothing to remove ({text})"
                )
        widget = WidgetSpec(request.name, request.description, template.kind, data=request.data)
        step = _Step(project, request, template, widget, [], False)
    for role, text in request.asked():
        if not text.startswith("-"):
            step.add(role, text.removeprefix("+"))
    check_unique(step.widget.traits)
    step.bind_slots()
    if not step.changing:
        project.check_readers_kept(step.widget)
    return Resolved(step.widget, step.links, step.notes)


@dataclass
class _Step:
    """The widget part-way through `resolve`, with the links into it and the notes so far."""

    project: Project
    request: Request
    template: Template
    widget: WidgetSpec
    links: list[LinkSpec]
    #: an existing widget's traits changed (not a whole new list)
    changing: bool
    notes: list[str] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)

    def remove(self) -> None:
        """Take the `-NAME`s out of the widget and its links."""
        for role, text in self.request.asked():
            if not text.startswith("-"):
                continue
            trait = self.project.removable(self.widget, text[1:].strip(), role)
            self.widget.traits = [t for t in self.widget.traits if t is not trait]
            self.links = [
                link for link in self.links if link.target != (self.widget.name, trait.name)
            ]
            self.removed.add(trait.name)
            self.notes.append(f"removed {role} {trait.name}")

    def add(self, role: Role, text: str) -> None:
        """One trait spec (or a reference to another widget's export) added to the widget."""
        parsed = parse_trait(text, "export") if role == "export" else parse_import(text)
        link = None
        if isinstance(parsed, ImportRef):
            trait, link = self.project.resolve_import(self.widget.name, parsed)
            self.links.append(link)
        else:
            trait = parsed
        if self.changing and self.widget.trait(trait.name) is not None:
            how = ""
            if self.request.command == "new":
                how = f"; to change it, remove it in the same command: -{trait.name} +{text}"
            raise UserError(f"{self.widget.name} already has a trait {trait.name!r}{how}")
        if trait.name in {option.name for option in self.template.options}:
            raise UserError(
                f"trait {trait.name!r} is an option of the {self.template.kind} template; "
                "choose another"
            )
        self.widget.traits = [*self.widget.traits, trait]
        inferred = " (inferred from its name)" if trait.inferred else ""
        if self.changing:
            linked = f", linked to {'.'.join(link.source)}" if link else ""
            self.notes.append(f"added {role} {trait.name}: {trait.type}{inferred}{linked}")
        elif link is not None:
            self.notes.append(f"import {trait.name}: {trait.type}, linked to {link.source[0]}")
        elif inferred:
            self.notes.append(f"{role} {trait.name}: {trait.type}{inferred}")

    def bind_slots(self) -> None:
        """Bind the template's slots: a trait a slot drives gets the slot's description when
        it has none, and a required slot left unfilled adds its trait (unless just removed)."""
        slots, added = bind_slots(self.widget, self.template)
        kind = self.template.kind
        for trait in added:
            if trait.name in self.removed:
                raise UserError(
                    f"the {kind} template drives {trait.name} ({trait.description}); "
                    "it cannot be removed"
                )
        descriptions = {
            slots[s.name]: s.description for s in self.template.slots if s.name in slots
        }
        traits: list[TraitSpec] = [
            replace(t, description=descriptions.get(t.name, "")) if not t.description else t
            for t in self.widget.traits
        ]
        for trait in added:
            self.notes.append(
                f"added {trait.role} {trait.name}: {trait.type} (the {kind} template drives it)"
            )
        self.widget = replace(self.widget, traits=traits + added)
