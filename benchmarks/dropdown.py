"""The dropdown with 100,000 distinct values, timed in headless Chromium (issue 13).

    python benchmarks/dropdown.py [--values 100000] [--js OLD.js ...]

The widget is the crossfilter example's `airline_filter` as the dropdown template writes it,
mounted in the browser harness of tests/harness (a fake model, no Jupyter) with a table of one
text column holding that many distinct values. `--js` times other builds of the same widget as
well, e.g. the template before it listed only the top matches:

    git show 41dba2f:examples/crossfilter/widgets/airline_filter.js > /tmp/old.js
    python benchmarks/dropdown.py --js /tmp/old.js

Measured, each to the next painted frame: paint (mount: decode, count, list), type (a query
matching 10 values) and clear (the query emptied again), plus the longest main-thread task
(`longtask` entries). Targets: paint <= 1 s, typing and clearing <= 100 ms, no task > 200 ms.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
PAGE = REPO / "tests" / "harness" / "index.html"
WIDGET = REPO / "examples" / "crossfilter" / "widgets" / "airline_filter"
CHROMIUM = os.environ.get("VIBEW_CHROMIUM", "/usr/bin/chromium")
ORIGIN = "http://harness.test"

MEASURE = """async ([js, css, n]) => {
  window.longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
  }).observe({ type: "longtask", buffered: true });
  const categories = Array.from({ length: n }, (_, i) => `N${String(i).padStart(6, "0")}`);
  const data = encodeTable([
    { name: "airline", kind: "category", values: [...categories.keys()], categories },
  ]);
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
  const timed = async (action) => {
    const start = performance.now();
    await action();
    await frame();
    return performance.now() - start;
  };
  const paint = await timed(() => mount(js, { column: "", selected_airlines: [], data }, css));
  const search = document.querySelector("#widget input[type=search]");
  const query = (text) => () => {
    search.value = text;
    search.dispatchEvent(new Event("input"));
  };
  const type = await timed(query(`n${String(n - 1).slice(0, -1).padStart(5, "0")}`));
  const clear = await timed(query(""));
  await frame();
  return { paint, type, clear, longest: Math.max(0, ...window.longTasks) };
}"""


def measure(browser, js: str, css: str, n: int) -> dict[str, float]:
    page = browser.new_page()
    page.route(
        f"{ORIGIN}/**", lambda route: route.fulfill(body=PAGE.read_text(), content_type="text/html")
    )
    page.goto(f"{ORIGIN}/index.html")
    page.set_default_timeout(120_000)
    result = page.evaluate(MEASURE, [js, css, n])
    page.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--values", type=int, default=100_000)
    parser.add_argument("--js", nargs="*", default=[], help="other builds of airline_filter.js")
    args = parser.parse_args()
    css = WIDGET.with_suffix(".css").read_text()
    builds = {"current": WIDGET.with_suffix(".js").read_text()}
    builds.update({path: Path(path).read_text() for path in args.js})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, js in builds.items():
            t = measure(browser, js, css, args.values)
            print(
                f"{name}: {args.values:,} values: paint {t['paint']:.0f} ms, "
                f"type {t['type']:.0f} ms, clear {t['clear']:.0f} ms, "
                f"longest task {t['longest']:.0f} ms"
            )
        browser.close()


if __name__ == "__main__":
    main()
