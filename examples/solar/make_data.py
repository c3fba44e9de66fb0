"""Write planets.csv: the eight planets, one row each, the same every run.

Columns: name, radius (km, mean), distance (AU, mean from the Sun), period (days, sidereal
orbit), moons (known, rounded to 2024 counts), color (a hex colour for the 3D scene).

    python make_data.py            # writes planets.csv beside this file
    python make_data.py OUT.csv    # or somewhere else
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

PLANETS = [
    # name, radius km, distance AU, period days, moons, color
    ("Mercury", 2_439.7, 0.387, 87.97, 0, "#9e9a94"),
    ("Venus", 6_051.8, 0.723, 224.70, 0, "#e3c16f"),
    ("Earth", 6_371.0, 1.000, 365.26, 1, "#3f7fd9"),
    ("Mars", 3_389.5, 1.524, 686.98, 2, "#c1440e"),
    ("Jupiter", 69_911.0, 5.203, 4_332.59, 95, "#d8a66b"),
    ("Saturn", 58_232.0, 9.537, 10_759.22, 146, "#e8d49a"),
    ("Uranus", 25_362.0, 19.191, 30_688.50, 28, "#9fd8e0"),
    ("Neptune", 24_622.0, 30.069, 60_182.00, 16, "#4a6fe3"),
]


def make_planets() -> pd.DataFrame:
    return pd.DataFrame(PLANETS, columns=["name", "radius", "distance", "period", "moons", "color"])


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("planets.csv")
    make_planets().to_csv(out, index=False)
    print(f"wrote {out} ({len(PLANETS)} planets)")


if __name__ == "__main__":
    main(sys.argv)
