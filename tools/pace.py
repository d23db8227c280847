"""This machine's pace now, for `.ci/run`'s stops: a fixed CPU loop (twenty million additions
in one Python thread), timed three times, against the time up to which a part is stopped at
its budget plus margin alone (REFERENCE). Prints the stretch (the loop's median over REFERENCE, at
least 1 and at most MOST), the median and REFERENCE, with two decimals. `.ci/run`
stretches each part's stop by the first, so that a day the machine runs everything slower
does not pass for a suite that grew. The budgets themselves are not stretched: a part past
its budget still says OVER.

The same machine ran this loop in 1.74 s and in 3.13 s within one afternoon, and in
1.08-1.23 s all of another evening (tests/README.md, "The budget"); the suite's runs followed
it."""

from __future__ import annotations

import statistics
import time

LOOP = 20_000_000
# seconds: the loop on this 2-core machine the afternoon the stops were set (its quickest
# hours are a third quicker still: no stop is ever shortened below budget plus margin)
REFERENCE = 1.8
MOST = 2.0  # a machine slower still is stopped as if it were this much slower


# at module level, as it was first timed by hand (`python3 -c "…"`): its names are globals
# (a dictionary each step), about twice the time of the same loop in a function
SOURCE = f"start = perf_counter()\ntotal = 0\nfor i in range({LOOP}):\n    total += i\n" \
    "took = perf_counter() - start\n"


def loop_seconds() -> float:
    names: dict[str, object] = {"perf_counter": time.perf_counter}
    exec(compile(SOURCE, "<pace>", "exec"), names)  # our own constant source
    return float(names["took"])  # type: ignore[arg-type]


def main() -> None:
    median = statistics.median(loop_seconds() for _ in range(3))
    stretch = median / REFERENCE
    print(f"{min(MOST, max(1.0, stretch)):.2f} {median:.2f} {REFERENCE:.2f}")


if __name__ == "__main__":
    main()
