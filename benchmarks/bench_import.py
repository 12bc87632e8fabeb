"""Benchmark: how long ``import wellbeing_lib`` takes, and that it loads no plotting library.

Plain script (not collected by pytest)::

    .venv/bin/python benchmarks/bench_import.py [--repeats R]

Each measurement is a fresh interpreter run with ``python -X importtime``; the cumulative
time of the named top-level import is read from its report (best of R runs).  Printed
beside it, in the same run:

* the floor: the interpreter starting and importing nothing (``-c pass``, wall clock);
* the peers: ``import pandas`` (every domain needs it) and ``import matplotlib.pyplot``
  (what a plotting import would add);
* each domain package, imported the way a notebook does (``from wellbeing_lib import
  outcomes``; wall clock over the floor), which brings pandas with it.

Target (issue 9): ``import wellbeing_lib`` under 0.3 s, with no matplotlib, seaborn or
ipywidgets module loaded.  The domain packages must not load them either.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time

TARGET_SECONDS = 0.3
PLOTTING = ("matplotlib", "seaborn", "ipywidgets")
DOMAINS = ("outcomes", "economics", "engagement", "diagnostic", "privacy", "stats",
           "reporting", "widgets")


def importtime(statement: str, module: str) -> tuple[float, list[str]]:
    """Cumulative import time (s) of ``module`` when running ``statement``; plotting modules."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", statement],
                         capture_output=True, text=True, check=True)
    cumulative = None
    loaded = set()
    for line in run.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if not m:
            continue
        name = m.group(4)
        loaded.add(name.split(".")[0])
        if name == module and m.group(3) == " ":
            cumulative = int(m.group(2)) / 1e6
    if cumulative is None:
        raise RuntimeError(f"no importtime line for {module}")
    return cumulative, sorted(loaded & set(PLOTTING))


def loaded_plotting(statement: str) -> list[str]:
    """Plotting/widget top-level packages in sys.modules after running ``statement``."""
    probe = (f"{statement}; import sys; "
             f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & {set(PLOTTING)!r})))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    return [m for m in out.split(",") if m]


def wall(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    r = range(args.repeats)
    floor = min(wall("pass") for _ in r)
    ours = min((importtime("import wellbeing_lib", "wellbeing_lib") for _ in r),
               key=lambda x: x[0])
    pandas = min(importtime("import pandas", "pandas")[0] for _ in r)
    mpl = min(importtime("import matplotlib.pyplot", "matplotlib.pyplot")[0] for _ in r)
    status = "meets" if ours[0] < TARGET_SECONDS and not ours[1] else "MISSES"
    print(f"import wellbeing_lib: {ours[0]:.4f} s (target < {TARGET_SECONDS} s, {status}); "
          f"plotting modules loaded: {ours[1] or 'none'}")
    print(f"  floor: interpreter start with nothing imported {floor:.3f} s (wall clock) | "
          f"peers: import pandas {pandas:.3f} s, import matplotlib.pyplot {mpl:.3f} s")
    for name in DOMAINS:
        statement = f"from wellbeing_lib import {name}"
        seconds = min(wall(statement) for _ in r) - floor
        plotting = loaded_plotting(statement)
        flag = "" if not plotting or name == "widgets" else "  <- loads plotting!"
        print(f"  {statement:<37} {seconds:.3f} s over the floor (pandas included); "
              f"plotting loaded: {plotting or 'none'}{flag}")


if __name__ == "__main__":
    main()
