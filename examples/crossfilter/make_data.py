"""Write flights.csv: 3,000 made-up flights, the same rows every run (fixed seed).

Columns: airline (8 carriers), origin, dep_hour (5..23), distance (miles), delay (minutes;
longer flights and later departures are delayed more, so the scatter shows a trend).

    python make_data.py            # writes flights.csv beside this file
    python make_data.py OUT.csv    # or somewhere else
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROWS = 3_000
SEED = 20_240_601
AIRLINES = ["AA", "AS", "B6", "DL", "F9", "NK", "UA", "WN"]
ORIGINS = ["ATL", "DEN", "DFW", "JFK", "LAX", "ORD", "SEA", "SFO"]


def make_flights(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    airline = rng.choice(AIRLINES, size=rows, p=[0.17, 0.06, 0.07, 0.17, 0.05, 0.07, 0.15, 0.26])
    origin = rng.choice(ORIGINS, size=rows)
    dep_hour = rng.integers(5, 24, size=rows)
    distance = rng.gamma(shape=2.2, scale=420.0, size=rows)
    outside = (distance < 80) | (distance > 2_800)  # redrawn, not clipped: no pile at the ends
    distance[outside] = rng.uniform(80, 2_800, size=outside.sum())
    distance = distance.round()
    # Each carrier has its own punctuality; delays grow with distance and through the day.
    carrier_bias = dict(zip(AIRLINES, [4, -3, 9, -2, 12, 15, 3, 6], strict=True))
    bias = np.array([carrier_bias[a] for a in airline])
    delay = (
        0.012 * distance
        + 1.6 * (dep_hour - 5)
        + bias
        + rng.normal(0.0, 14.0, size=rows)
        + rng.exponential(9.0, size=rows)
        - 12.0
    ).round(1)
    return pd.DataFrame(
        {
            "airline": airline,
            "origin": origin,
            "dep_hour": dep_hour,
            "distance": distance.astype(int),
            "delay": delay,
        }
    )


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).with_name("flights.csv")
    make_flights().to_csv(out, index=False)
    print(f"wrote {out} ({ROWS:,} rows)")


if __name__ == "__main__":
    main(sys.argv)
