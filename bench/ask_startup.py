"""Time `briefbot ask "!gsomia status"` as a whole process against `python -c "import discord"`.

The one-shot path does not import discord.py at all; the target holds it to at most
0.85 x importing it. Runs alternate between the two commands so that a busy machine
slows both alike; medians are compared. The first run of each is a warm-up (file
cache, bytecode, and `ask`'s compiled templates in the cache folder).

    .venv/bin/python bench/ask_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ASK = [str(BIN / "briefbot"), "ask", "!gsomia status"]
IMPORT_DISCORD = [sys.executable, "-c", "import discord"]
TARGET = 0.85  # at most 0.85 x importing discord.py


# Bytecode is written as usual, as an installed package has it: with
# PYTHONDONTWRITEBYTECODE set (some shells and CI images set it), every run of an
# editable checkout compiled each edited module from source again.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def _time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> int:
    """Run the benchmark and print the medians and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    _time(ASK), _time(IMPORT_DISCORD)  # warm the file cache and bytecode
    ask_times, import_times = [], []
    for _ in range(args.runs):
        ask_times.append(_time(ASK))
        import_times.append(_time(IMPORT_DISCORD))
    ask, imp = statistics.median(ask_times), statistics.median(import_times)
    ratio = ask / imp
    print(f"briefbot ask '!gsomia status': median {ask * 1000:.0f} ms over {args.runs} runs")
    print(f"python -c 'import discord':    median {imp * 1000:.0f} ms over {args.runs} runs")
    verdict = "meets" if ratio <= TARGET else "misses"
    print(f"ratio ask / import discord: {ratio:.2f} ({verdict} the target of <= {TARGET})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
