"""`python -m bench.help`: the 智能客服 on tests/help/questions.toml — top-1 accuracy on the
questions an entry covers, the share of the others handed to a person, and the time per
answer (in process: segmentation, both BM25 rankings and the decision)."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from services.help.measure import knowledge_index, measure

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    index = knowledge_index(ROOT / "texts")
    score = measure(index, ROOT / "tests/help/questions.toml")
    times = sorted(score.seconds)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"| entries | questions covered | answered with their entry | among the 3 closest "
          f"| questions not covered | handed to a person | time per answer p50 / p99 |\n"
          f"| --- | --- | --- | --- | --- | --- | --- |\n"
          f"| {len(index)} | {score.asked} | {score.answered} ({score.accuracy:.0%}) "
          f"| {score.in_closest} ({score.in_closest / score.asked:.0%}) | {score.outside} "
          f"| {score.handed} ({score.handed_share:.0%}) "
          f"| {statistics.median(times) * 1000:.2f} ms / {p99 * 1000:.2f} ms |")
    if "-v" in sys.argv:
        for question, wanted, given in score.misses:
            print(f"  {question} → {given or '（不确定）'}（应为 {wanted or '转人工'}）")


if __name__ == "__main__":
    main()
