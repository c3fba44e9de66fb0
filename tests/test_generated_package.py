"""The generated package works on its own: imported where vibew is not, fed through its comm."""

from __future__ import annotations

import json
import textwrap

from helpers import run_isolated


def generate_flights(vibew) -> None:
    assert (
        vibew(
            "new", "scatter", "flight delays vs distance", "--exports", "selected_indices"
        ).returncode
        == 0
    )
    done = vibew("new", "histogram", "histogram of delays", "--imports", "scatter.selected_indices")
    assert done.returncode == 0, done.stderr


def run_checked(code: str, cwd) -> dict:
    done = run_isolated(textwrap.dedent(code), cwd)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_generated_modules_import_without_vibew_and_declare_typed_traits(vibew, project):
    generate_flights(vibew)
    facts = run_checked(
        """
        import json
        import pandas as pd
        import traitlets
        from widgets import Histogram, Scatter

        try:
            import vibewidget_cli
            importable = True
        except ImportError:
            importable = False

        df = pd.DataFrame({"distance": [100.0, 250.0, 900.0], "delay": [5, -3, 40],
                           "airline": ["AA", "UA", "AA"]})
        scatter = Scatter(df, x="distance", y="delay")
        histogram = Histogram(df, column="delay")
        traits = scatter.traits(sync=True)
        print(json.dumps({
            "importable": importable,
            # anywidget reads the Path given as _esm (and watches it for hot reload)
            "esm_is_the_file": str(Scatter._esm) == open("widgets/scatter.js").read(),
            "selected_type": type(traits["selected_indices"]).__name__,
            "selected_help": traits["selected_indices"].help,
            "x_type": type(traits["x"]).__name__,
            "bins": [type(histogram.traits()["bins"]).__name__, histogram.bins],
            "data_rows": len(scatter.data),
            "columns": [c["name"] for c in scatter.trait_metadata("data", "to_json")(scatter.data, scatter)["columns"]],
            "doc": Scatter.__doc__,
        }))
        """,
        project,
    )
    assert facts["importable"] is False
    assert facts["esm_is_the_file"]
    assert facts["selected_type"] == "RowIndices"
    assert facts["selected_help"] == "rows selected by the brush"
    assert facts["x_type"] == "Unicode"
    assert facts["bins"] == ["Int", 30]
    assert facts["data_rows"] == 3
    assert facts["columns"] == ["distance", "delay"]  # the two it draws, not airline
    assert "flight delays vs distance" in facts["doc"].lower()


def test_front_end_update_through_the_comm_changes_the_trait_and_assignments_go_out(vibew, project):
    generate_flights(vibew)
    facts = run_checked(
        """
        import json
        import comm
        import numpy as np
        import pandas as pd

        sent = []

        class RecordingComm(comm.DummyComm):
            def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
                sent.append((msg_type, data, [bytes(b) for b in buffers or []]))

        comm.create_comm = RecordingComm

        from widgets.scatter import Scatter

        scatter = Scatter(pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0)}))
        # What JupyterLab sends when the brush is released: an Int32Array as a buffer.
        rows = np.array([1, 2, 3], dtype="<i4")
        scatter.comm.handle_msg({"content": {"comm_id": scatter.comm.comm_id, "data": {
            "method": "update", "state": {}, "buffer_paths": [["selected_indices"]]}},
            "buffers": [memoryview(rows.tobytes())], "metadata": {}})
        from_front_end = scatter.selected_indices.tolist()
        # A plain JS array arrives as a list and is accepted too.
        scatter.set_state({"selected_indices": [4, 5]})
        from_list = scatter.selected_indices.tolist()

        sent.clear()
        scatter.selected_indices = [0, 1, 2, 5, 10]
        updates = [(data, buffers) for kind, data, buffers in sent if data and data.get("method") == "update"]
        data, buffers = updates[-1]
        print(json.dumps({
            "from_front_end": from_front_end,
            "from_list": from_list,
            "buffer_paths": data["buffer_paths"],
            "sent_rows": np.frombuffer(buffers[0], dtype="<i4").tolist(),
            "printed": str(scatter.selected_indices),
        }))
        """,
        project,
    )
    assert facts["from_front_end"] == [1, 2, 3]
    assert facts["from_list"] == [4, 5]
    assert facts["buffer_paths"] == [["selected_indices"]]
    assert facts["sent_rows"] == [0, 1, 2, 5, 10]
    assert facts["printed"] == "[ 0  1  2  5 10]"


def test_table_goes_out_as_one_binary_buffer_per_column(vibew, project):
    generate_flights(vibew)
    facts = run_checked(
        """
        import json
        import comm
        import numpy as np
        import pandas as pd

        sent = []

        class RecordingComm(comm.DummyComm):
            def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
                sent.append((data, [bytes(b) for b in buffers or []]))

        comm.create_comm = RecordingComm
        from widgets.histogram import Histogram

        df = pd.DataFrame({"delay": [1.5, np.nan, 3.0], "n": [1, 2, 3], "who": ["a", "b", "a"]})
        histogram = Histogram(df)
        histogram.column = "who"  # the histogram sends only the column it bins: again
        histogram.column = "n"
        tables = [(d, b) for d, b in sent if d and "data" in d.get("state", {})]
        print(json.dumps({
            "paths": tables[0][0]["buffer_paths"],
            "columns": [
                [[c["name"], c["kind"], c["dtype"], c.get("categories")] for c in d["state"]["data"]["columns"]]
                for d, _ in tables
            ],
            "sizes": [len(b) for b in tables[0][1]],
        }))
        """,
        project,
    )
    assert ["data", "columns", 0, "values"] in facts["paths"]
    assert facts["columns"] == [
        [["delay", "number", "float64", None]],
        [["who", "category", "int32", ["a", "b"]]],
        [["n", "number", "int32", None]],
    ]
    assert sorted(facts["sizes"]) == [0, 24]  # the empty selection is a buffer too
