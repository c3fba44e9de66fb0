"""Times in their zone (issue 13): a time column keeps its zone on the wire, the charts'
ticks choose their unit from the span (hours for hours) and read the zone's clock, and the
table shows each time in its zone, named. Tables come from pandas through the generated
encoder, then the harness's `encodeTable`; the page runs in Kolkata (+05:30), so the
browser's own zone would show if it crept in."""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ORIGIN, Harness, _serve_page
from test_messy_data import assert_no_overlap_or_cut
from test_widgets import widget_css, widget_js

from vibewidget_cli.project import Project
from vibewidget_cli.render import render_package
from vibewidget_cli.spec import WidgetSpec

NEW_YORK = "America/New_York"
# The issue's data: the night New York moves its clocks from 02:00 EST to 03:00 EDT.
ISSUE_TIMES = pd.date_range("2024-03-10", periods=6, freq="h", tz=NEW_YORK)
STATES = {
    "histogram": {"width": 520, "height": 260, "column": "time", "bins": 6},
    "scatter": {"width": 520, "height": 260, "x": "time", "y": "value"},
    "table": {"page_size": 20, "category_column": ""},
}
# "Mar 10" (midnight), "01:00", "Mar 10 09:00" (a first tick or a new day not at midnight)
CLOCK = re.compile(r"^(?:[A-Z][a-z]{2} \d{1,2}|(?:[A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d)$")


@pytest.fixture(scope="module")
def traits(tmp_path_factory):
    """The `_traits.py` vibew writes for a package with a table, imported."""
    project = Project(widgets={"t": WidgetSpec("t", "", "table", [])})
    (text,) = [f.text for f in render_package(project) if f.path.endswith("/_traits.py")]
    path = tmp_path_factory.mktemp("traits") / "_traits.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"time_traits_{id(path)}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture
def harness(_browser):
    """The harness page (as conftest's), in a browser whose own zone is Asia/Kolkata."""
    context = _browser.new_context(
        viewport={"width": 1000, "height": 700}, timezone_id="Asia/Kolkata"
    )
    context.route(f"{ORIGIN}/**", _serve_page)
    page = context.new_page()
    page.set_default_timeout(10_000)
    result = Harness(page)
    page.on("pageerror", lambda exc: result.errors.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: (
            result.errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.goto(f"{ORIGIN}/index.html")
    yield result
    context.close()


def columns(traits, times) -> list[dict]:
    """`times` and a value per row, encoded by the generated encoder, as `encodeTable` takes."""
    frame = pd.DataFrame({"time": times, "value": np.arange(len(times), dtype=float)})
    encoded = traits.encode_table(frame)["columns"]
    return [
        {
            "name": c["name"],
            "kind": c["kind"],
            "values": np.frombuffer(c["values"], dtype=c["dtype"]).tolist(),
            **({"timezone": c["timezone"]} if "timezone" in c else {}),
        }
        for c in encoded
    ]


def mount(harness, kind: str, data: list[dict], **state) -> None:
    harness.page.evaluate("document.getElementById('widget').replaceChildren()")
    harness.mount_with_table(widget_js(kind), STATES[kind] | state, data, widget_css(kind))


def x_axis(harness) -> tuple[list[str], str]:
    """The x tick labels, left to right, and the x axis's title."""
    texts = harness.page.locator("#widget svg text:not(.end):not([transform])").evaluate_all(
        "els => els.map(e => [Number(e.getAttribute('y')), e.textContent])"
    )
    ticks_at = min(y for y, _ in texts)
    labels = [text for y, text in texts if y == ticks_at]
    (title,) = [text for y, text in texts if y != ticks_at]
    return labels, title


def caption(harness) -> str:
    return harness.page.get_by_role("status").text_content()


def table_cells(harness) -> list[str]:
    return harness.page.locator("tbody tr td:nth-child(2)").all_text_contents()


def assert_distinct(labels: list[str]) -> None:
    assert len(labels) >= 2, labels
    assert all(a != b for a, b in itertools.pairwise(labels)), labels
    assert len(set(labels)) == len(labels), labels


def test_the_encoder_sends_each_time_column_with_its_zone(traits):
    frame = pd.DataFrame(
        {
            "new_york": ISSUE_TIMES,
            "utc": ISSUE_TIMES.tz_convert("UTC"),
            "india": pd.to_datetime([f"2024-03-10T0{i}:00+05:30" for i in range(6)]),
            "naive": ISSUE_TIMES.tz_localize(None),
            "tokyo_arrow": pd.Series(ISSUE_TIMES).astype("timestamp[ms, tz=Asia/Tokyo][pyarrow]"),
            "value": range(6),
        }
    )
    encoded = {c["name"]: c for c in traits.encode_table(frame)["columns"]}
    zones = {name: c.get("timezone", "absent") for name, c in encoded.items()}
    assert zones == {
        "new_york": NEW_YORK,
        "utc": "UTC",
        "india": "+05:30",
        "naive": None,
        "tokyo_arrow": "Asia/Tokyo",
        "value": "absent",
    }
    # The values stay UTC milliseconds: midnight in New York is 05:00 UTC.
    first = pd.Timestamp("2024-03-10 05:00", tz="UTC").value // 1_000_000
    for name in ("new_york", "utc", "tokyo_arrow"):
        values = np.frombuffer(encoded[name]["values"], dtype="float64")
        assert values[0] == first and values[2] - values[1] == 3_600_000, name
    naive = np.frombuffer(encoded["naive"]["values"], dtype="float64")
    assert naive[0] == pd.Timestamp("2024-03-10 00:00", tz="UTC").value // 1_000_000


def test_issue_times_tick_new_york_hours_in_scatter_and_histogram(harness, traits):
    data = columns(traits, ISSUE_TIMES)
    for kind in ("scatter", "histogram"):
        mount(harness, kind, data)
        labels, title = x_axis(harness)
        assert_distinct(labels)
        assert all(CLOCK.match(label) for label in labels), (kind, labels)
        # Midnight in New York (its date), then its hours, not UTC's; no 02:00, which
        # New York skips that night.
        assert labels == ["Mar 10", "01:00", "03:00", "04:00", "05:00", "06:00"], kind
        assert title == "time (America/New_York)"
        assert_no_overlap_or_cut(harness)
        assert not harness.errors
        # At the narrowest, fewer hours, still on the hour and still distinct.
        mount(harness, kind, data, width=360)
        labels, _ = x_axis(harness)
        assert_distinct(labels)
        assert labels[0] == "Mar 10" and all(CLOCK.match(label) for label in labels[1:])
        assert_no_overlap_or_cut(harness)
        assert not harness.errors
    assert caption(harness) == "time: all 6 rows"


def test_times_up_the_y_axis_fit_its_margin(harness, traits):
    for times in (ISSUE_TIMES, pd.date_range("2024-03-01", "2024-03-20", periods=8, tz=NEW_YORK)):
        mount(harness, "scatter", columns(traits, times), x="value", y="time")
        labels = harness.page.locator("#widget svg text.end").all_text_contents()
        assert_distinct(labels)
        assert max(map(len, labels)) <= 6, labels  # "00:00", "Mar 11": no dates beside them
        assert_no_overlap_or_cut(harness)
        assert not harness.errors


def test_issue_times_in_the_table_read_midnight_in_new_york(harness, traits):
    mount(harness, "table", columns(traits, ISSUE_TIMES))
    assert table_cells(harness) == [
        "2024-03-10 00:00 EST",
        "2024-03-10 01:00 EST",
        "2024-03-10 03:00 EDT",
        "2024-03-10 04:00 EDT",
        "2024-03-10 05:00 EDT",
        "2024-03-10 06:00 EDT",
    ]
    header = harness.page.locator("thead th").nth(1)
    assert header.text_content() == "time"
    assert header.get_attribute("title") == "times in America/New_York"
    assert not harness.errors


def test_the_night_clocks_go_back_has_no_repeated_hour_label(harness, traits):
    times = pd.date_range("2024-11-03 00:00", periods=6, freq="h", tz=NEW_YORK)  # 01:00 twice
    data = columns(traits, times)
    for kind in ("scatter", "histogram"):
        mount(harness, kind, data, width=900)
        labels, _ = x_axis(harness)
        assert_distinct(labels)
        assert labels[:3] == ["Nov 3", "01:00", "02:00"], (kind, labels)
        assert not harness.errors
    mount(harness, "table", data)
    assert table_cells(harness)[1:3] == ["2024-11-03 01:00 EDT", "2024-11-03 01:00 EST"]
    assert not harness.errors


@pytest.mark.parametrize(
    ("times", "label"),
    [
        (pd.date_range("2019-06-01", "2024-06-01", periods=8, tz="UTC"), r"^\d{4}$"),
        (
            pd.date_range("2024-01-15", "2024-07-15", periods=8, tz=NEW_YORK),
            r"^[A-Z][a-z]{2} 2024$",
        ),
        (
            pd.date_range("2024-03-01", "2024-03-20", periods=8, tz=NEW_YORK),
            r"^[A-Z][a-z]{2} \d{1,2}(, 2024)?$",
        ),
        (pd.date_range("2024-03-10 09:00", periods=8, freq="7min"), CLOCK.pattern),
        (
            pd.date_range("2024-03-10 09:00:01", periods=8, freq="3s", tz="UTC"),
            r"^(?:Mar 10 )?09:00:\d\d$",
        ),
        (
            pd.date_range("2024-03-10 09:00:01", periods=8, freq="100ms", tz="UTC"),
            r"^(?:Mar 10 )?09:00:0[12]\.\d{3}$",
        ),
    ],
    ids=["years", "months", "days", "minutes", "seconds", "sub-second"],
)
def test_ticks_choose_their_unit_from_the_span(harness, traits, times, label):
    mount(harness, "histogram", columns(traits, times))
    labels, _ = x_axis(harness)
    assert_distinct(labels)
    assert all(re.match(label, text) for text in labels), labels
    assert_no_overlap_or_cut(harness)
    assert not harness.errors


def test_sub_second_times_in_the_table_show_milliseconds(harness, traits):
    times = pd.date_range("2024-03-10 09:00:01", periods=3, freq="250ms", tz="UTC")
    mount(harness, "table", columns(traits, times))
    assert table_cells(harness) == [
        "2024-03-10 09:00:01.000 UTC",
        "2024-03-10 09:00:01.250 UTC",
        "2024-03-10 09:00:01.500 UTC",
    ]
    assert not harness.errors


def test_one_time_is_drawn_on_an_axis_of_hours_around_it(harness, traits):
    data = columns(traits, pd.DatetimeIndex([pd.Timestamp("2024-03-10 12:00", tz=NEW_YORK)]))
    for kind in ("scatter", "histogram"):
        mount(harness, kind, data)
        labels, _ = x_axis(harness)
        assert_distinct(labels)
        assert all(CLOCK.match(text) for text in labels), labels
        assert "12:00" in labels, labels
        assert not harness.errors
    mount(harness, "table", data)
    assert table_cells(harness) == ["2024-03-10 12:00 EDT"]
    assert not harness.errors


def test_missing_times_are_counted_as_missing(harness, traits):
    times = pd.DatetimeIndex([*ISSUE_TIMES[:4], pd.NaT, pd.NaT], tz=NEW_YORK)
    data = columns(traits, times)
    mount(harness, "histogram", data)
    assert caption(harness) == "time: 4 of 6 rows drawn; 2 missing or infinite"
    counts = harness.page.locator("#widget rect title").all_text_contents()
    assert sum(int(c.split()[0]) for c in counts) == 4
    mount(harness, "scatter", data)
    assert caption(harness).startswith("4 of 6 rows drawn; 2 missing or infinite")
    mount(harness, "table", data)
    assert table_cells(harness)[3:] == ["2024-03-10 04:00 EDT", "", ""]
    assert not harness.errors


def test_times_without_a_zone_are_shown_as_written(harness, traits):
    data = columns(traits, pd.date_range("2024-03-10", periods=6, freq="h"))  # no zone
    mount(harness, "histogram", data, width=900)
    labels, title = x_axis(harness)
    assert labels == ["Mar 10", "01:00", "02:00", "03:00", "04:00", "05:00"]
    assert title == "time"
    mount(harness, "table", data)
    assert table_cells(harness)[:2] == ["2024-03-10 00:00", "2024-03-10 01:00"]
    assert harness.page.locator("thead th").nth(1).get_attribute("title") is None
    # Dates alone at midnight, whatever the browser's zone (Kolkata here).
    mount(harness, "table", columns(traits, pd.date_range("2024-03-09", periods=3, freq="D")))
    assert table_cells(harness) == ["2024-03-09", "2024-03-10", "2024-03-11"]
    assert not harness.errors


def test_utc_and_fixed_offset_times_are_read_in_their_zone(harness, traits):
    data = columns(traits, ISSUE_TIMES.tz_convert("UTC"))
    mount(harness, "histogram", data, width=900)
    labels, title = x_axis(harness)
    assert labels[0] == "Mar 10 05:00" and title == "time (UTC)"
    mount(harness, "table", data)
    assert table_cells(harness)[0] == "2024-03-10 05:00 UTC"

    india = pd.to_datetime([f"2024-03-10T0{i}:00+05:30" for i in range(6)])
    data = columns(traits, india)
    mount(harness, "histogram", data, width=900)
    labels, title = x_axis(harness)
    assert labels[0] == "Mar 10" and title == "time (+05:30)"
    mount(harness, "table", data)
    assert table_cells(harness)[0] == "2024-03-10 00:00 +05:30"
    assert not harness.errors


def test_midnights_in_a_zone_are_dates_and_a_zone_the_browser_lacks_is_utc(harness, traits):
    mount(harness, "table", columns(traits, pd.date_range("2024-03-09", periods=3, tz=NEW_YORK)))
    assert table_cells(harness) == ["2024-03-09", "2024-03-10", "2024-03-11"]
    data = columns(traits, ISSUE_TIMES.tz_convert("UTC"))
    data[0]["timezone"] = "Mars/Olympus_Mons"
    mount(harness, "histogram", data, width=900)
    labels, title = x_axis(harness)
    assert labels[0] == "Mar 10 05:00" and title == "time (UTC)"
    mount(harness, "table", data)
    assert table_cells(harness)[0] == "2024-03-10 05:00 UTC"
    assert not harness.errors
