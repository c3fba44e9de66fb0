"""Spec parsing, type inference and the name rules."""

from __future__ import annotations

import anywidget
import pytest

from vibewidget_cli.errors import UserError
from vibewidget_cli.spec import (
    ANYWIDGET_TRAITS,
    TRAIT_TYPES,
    ImportRef,
    check_widget_name,
    class_name,
    infer_type,
    parse_import,
    parse_trait,
    parse_trait_ref,
    reserved_names,
)


def test_full_spec_keeps_name_type_and_description():
    trait = parse_trait("selected_indices:list[int]=rows selected by the brush", "export")
    assert (trait.name, trait.type, trait.role) == ("selected_indices", "list[int]", "export")
    assert trait.description == "rows selected by the brush"
    assert not trait.inferred


def test_description_may_contain_colons_and_equals():
    trait = parse_trait("label:str=text: a=b", "export")
    assert trait.type == "str"
    assert trait.description == "text: a=b"


def test_every_type_is_accepted_and_spaces_are_forgiven():
    for type_ in TRAIT_TYPES:
        assert parse_trait(f"value_x:{type_}", "import").type == type_
    assert parse_trait("weights: list[ float ]", "import").type == "list[float]"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("selected_indices", "list[int]"),
        ("indices", "list[int]"),
        ("heightmap", "grid"),
        ("selected_airlines", "list[str]"),
        ("selected_planet", "str"),
        ("threshold", "float"),
        ("page", "int"),
        ("is_open", "bool"),
    ],
)
def test_type_is_inferred_from_the_name(name, expected):
    trait = parse_trait(name, "export")
    assert trait.type == expected == infer_type(name)
    assert trait.inferred


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty trait name"),
        ("2fast", "not a Python identifier"),
        ("my-trait", "not a Python identifier"),
        ("class", "keyword"),
        ("match", "keyword"),
        ("data", "reserved by the generated class"),
        ("queried_rows", "reserved by the generated class"),
        ("source", "reserved by the generated class"),
        ("_private", "underscore"),
        ("x:float64", "unknown type"),
        ("x:list[dict]", "unknown type"),
    ],
)
def test_bad_trait_specs_are_refused(spec, message):
    with pytest.raises(UserError, match=message):
        parse_trait(spec, "export")


def test_names_the_base_class_uses_are_refused_and_listed_as_it_has_them():
    # The lists are written out (importing anywidget would cost `vibew new` a fifth of a
    # second); this holds them to the installed anywidget.
    traits = set(anywidget.AnyWidget.class_trait_names())
    assert traits == ANYWIDGET_TRAITS
    base = set(dir(anywidget.AnyWidget)) | traits
    assert {name for name in base if not name.startswith("_")} == reserved_names() - {
        name for name in ANYWIDGET_TRAITS if name.startswith("_")
    }
    for name in sorted(base - reserved_names()):  # the rest is refused for its underscore
        with pytest.raises(UserError, match="underscore"):
            parse_trait(name, "export")
    for name in ("layout", "keys", "comm", "log", "tooltip", "send", "observe", "open", "close"):
        with pytest.raises(UserError, match=r"already used by anywidget\.AnyWidget"):
            parse_trait(name, "export")


@pytest.mark.parametrize("name", ["bad name", "for", "_hidden", "wiring", "9lives"])
def test_bad_widget_names_are_refused(name):
    with pytest.raises(UserError):
        check_widget_name(name)


@pytest.mark.parametrize("name", ["link", "links", "display", "df"])
def test_names_the_notebook_snippet_uses_are_refused(name):
    with pytest.raises(UserError, match=f"widget name '{name}' is a name the notebook code"):
        check_widget_name(name)


def test_class_names_come_from_widget_names():
    assert class_name("scatter") == "Scatter"
    assert class_name("airline_filter") == "AirlineFilter"
    assert class_name("terrain3d") == "Terrain3d"


def test_an_import_may_name_another_widgets_export():
    assert parse_import("scatter.selected_indices") == ImportRef(
        "selected_indices", "scatter", "selected_indices"
    )
    assert parse_import("selection=scatter.selected_indices") == ImportRef(
        "selection", "scatter", "selected_indices"
    )
    plain = parse_import("selected_indices=rows to show")
    assert not isinstance(plain, ImportRef)
    assert plain.description == "rows to show"


def test_trait_refs_need_widget_and_trait():
    assert parse_trait_ref("scatter.selected_indices") == ("scatter", "selected_indices")
    for bad in ("scatter", "scatter.", ".x", "a.b.c"):
        with pytest.raises(UserError, match=r"WIDGET\.TRAIT"):
            parse_trait_ref(bad)
