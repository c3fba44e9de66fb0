"""The built-in widget templates: where they live, what each offers, and which one fits a request."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from vibewidget_cli.errors import UserError
from vibewidget_cli.spec import TraitSpec, WidgetSpec, check_type


def templates_dir() -> Path:
    """Inside a wheel the templates sit in the package; in a source checkout, beside it."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


@dataclass(frozen=True)
class Slot:
    """A trait a template knows how to drive, e.g. the scatter brush's row selection."""

    name: str
    role: str
    types: tuple[str, ...]
    default_name: str
    description: str
    required: bool


@dataclass(frozen=True)
class Template:
    kind: str
    summary: str
    keywords: tuple[str, ...]
    data: bool
    #: Its page asks the kernel what it draws (the package's `_source.py` answers) when the
    #: table is too big to send, instead of taking only DataFrames it can send whole.
    queries: bool = False
    options: tuple[TraitSpec, ...] = ()
    option_defaults: dict[str, str] = field(default_factory=dict)
    slots: tuple[Slot, ...] = ()


def _load(path: Path) -> Template:
    meta = tomllib.loads((path / "template.toml").read_text(encoding="utf-8"))
    options = []
    defaults = {}
    for name, option in meta.get("options", {}).items():
        options.append(
            TraitSpec(name, check_type(option["type"], name), "option", option["description"])
        )
        if "default" in option:
            defaults[name] = option["default"]
    slots = tuple(
        Slot(
            name=name,
            role=slot["role"],
            types=tuple(slot["types"]),
            default_name=slot["default_name"],
            description=slot["description"],
            required=slot.get("required", False),
        )
        for name, slot in meta.get("slots", {}).items()
    )
    return Template(
        kind=path.name,
        summary=meta["summary"],
        keywords=tuple(meta.get("keywords", ())),
        data=meta.get("data", False),
        queries=meta.get("queries", False),
        options=tuple(options),
        option_defaults=defaults,
        slots=slots,
    )


@functools.cache
def all_templates() -> dict[str, Template]:
    root = templates_dir()
    return {
        path.name: _load(path)
        for path in sorted(root.iterdir())
        if (path / "template.toml").is_file()
    }


def get_template(kind: str) -> Template:
    templates = all_templates()
    if kind not in templates:
        raise UserError(f"unknown template {kind!r}; choose one of: {', '.join(templates)}")
    return templates[kind]


def choose_template(name: str, description: str) -> Template | None:
    """The template whose keywords the widget's name or description mention, if any.

    The name counts first (`vibew new histogram ...`), then the description. Within one text
    the template with the most distinct keywords wins, and of those the one mentioned first:
    "histogram of delays, filtered by the scatter plot's brush" is a histogram.
    """
    templates = all_templates()
    for text in (name, description):
        words = re.findall(r"[a-z0-9]+", text.lower())
        best: tuple[int, int] | None = None  # (-distinct keywords, position of the first)
        chosen = None
        for template in templates.values():
            hits = [i for i, word in enumerate(words) if word in template.keywords]
            score = (-len({words[i] for i in hits}), hits[0]) if hits else None
            if score is not None and (best is None or score < best):
                best, chosen = score, template
        if chosen is not None:
            return chosen
    return None


def bind_slots(spec: WidgetSpec, template: Template) -> tuple[dict[str, str], list[TraitSpec]]:
    """Bind each template slot to one of the widget's traits.

    Returns the slot → trait-name map and the traits added because a required slot was unfilled.
    """
    bound: dict[str, str] = {}
    added: list[TraitSpec] = []
    used: set[str] = set()
    for slot in template.slots:
        # A trait whose name is the slot's usual one wins over any other of a fitting type.
        candidates = sorted(
            (t for t in spec.traits if t.role == slot.role and t.type in slot.types),
            key=lambda t: t.name != slot.default_name,
        )
        trait = next((t for t in candidates if t.name not in used), None)
        # The slot's usual name taken by a trait that does not fit: refused when it has the
        # slot's role (a wrong type) or a required slot would need that name. A trait of the
        # other role is only refused then: a histogram may export its own selected_indices.
        named = spec.trait(slot.default_name)
        if (
            named is not None
            and (named.role != slot.role or named.type not in slot.types)
            and (named.role == slot.role or (trait is None and slot.required))
        ):
            raise UserError(
                f"the {template.kind} template drives {slot.default_name} as an {slot.role} "
                f"of type {' or '.join(slot.types)}, but it is declared as "
                f"{named.role} {named.type}; give it that type or another name"
            )
        if trait is None and slot.required:
            trait = TraitSpec(slot.default_name, slot.types[0], slot.role, slot.description)
            if spec.trait(trait.name) is None:
                added.append(trait)
        if trait is not None:
            bound[slot.name] = trait.name
            used.add(trait.name)
    return bound, added
