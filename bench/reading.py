"""Reading benchmark of issue #9: accuracy, speed and memory of the story reader.

    .venv/bin/python -m bench.reading [--rounds N]

Prints, from the corpus in tests/corpus/ (stories run through the engine, as a pasted story
is): field accuracy by field and by typing style; time-expression accuracy by category;
the time to read one story with the reader alone (p50, p99 over every story, N rounds);
the reader's peak Python allocation (tracemalloc) while reading the corpus; and, in a
fresh process that imports the whole bot (bot.app) and reads every story once, its resident
memory (VmRSS, VmHWM). Nothing is asserted here: the targets and the results live in
docs/PERFORMANCE.md; tests/test_reading_corpus.py asserts the accuracy.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from conversations.reading.story import extract_story
from tests.reading_corpus import (
    BEIJING,
    HOLDOUT2_STORIES,
    HOLDOUT_STORIES,
    HOLDOUT_TIMES,
    STORY_FILES,
    Score,
    beijing,
    read_story,
    read_time,
    score_story,
    score_time,
    stories,
    time_items,
)

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, sys
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
before = status("VmRSS")
import bot.app  # the whole bot, as `complaint-coach run` loads it
from conversations.reading.story import extract_story
from tests.reading_corpus import BEIJING, beijing, stories
loaded = status("VmRSS")
for s in stories():
    extract_story(s["text"], beijing(s["now"]), BEIJING)
print(json.dumps({"start": before, "loaded": loaded, "after": status("VmRSS"),
                  "peak": status("VmHWM")}))
"""


def accuracy(story_files: tuple[str, ...], times_file: str | None, title: str) -> None:
    """Field accuracy by field and typing style; time accuracy by category."""
    score = Score()
    for story in stories(story_files):
        score_story(story, read_story(story), score)
    _print(score, f"{title}: story fields", lambda k: not k.startswith("style:"))
    _print(score, f"{title}: by typing style", lambda k: k.startswith("style:") or k == "all")
    if times_file is None:
        return
    times = Score()
    for item in time_items(times_file):
        score_time(item, read_time(item), times)
    _print(times, f"{title}: time expressions by category", lambda k: True)


def _print(score: Score, title: str, keep: object) -> None:
    """One table of rates."""
    print(f"\n{title}")
    for key in sorted(k for k in score.total if keep(k)):  # type: ignore[operator]
        print(f"  {key:<28} {score.rate(key):7.1%}  ({score.right.get(key, 0)}/{score.total[key]})")


def speed(rounds: int) -> None:
    """The time to read one story, the reader alone."""
    corpus = [(s["text"], beijing(s["now"])) for s in stories()]
    for text, now in corpus:  # warm the caches a real bot has warm
        extract_story(text, now, BEIJING)
    samples: list[float] = []
    gc.disable()
    try:
        for _ in range(rounds):
            for text, now in corpus:
                start = time.perf_counter()
                extract_story(text + " ", now, BEIJING)  # a new text: no cached normalisation
                samples.append((time.perf_counter() - start) * 1000)
    finally:
        gc.enable()
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"\nTime per story ({len(corpus)} stories × {rounds} rounds)")
    p50, top = statistics.median(samples), samples[-1]
    print(f"  p50 {p50:.2f} ms   p99 {p99:.2f} ms   max {top:.2f} ms")


def memory() -> None:
    """The reader's allocations, and a whole bot's resident memory with the reader loaded."""
    corpus = [(s["text"], beijing(s["now"])) for s in stories()]
    tracemalloc.start()
    for text, now in corpus:
        extract_story(text + "  ", now, BEIJING)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\nReader peak allocation while reading the corpus: {peak / 2**20:.1f} MB")
    out = subprocess.run(
        [sys.executable, "-c", _CHILD], cwd=ROOT, capture_output=True, text=True, check=True
    )
    rss = json.loads(out.stdout.strip().splitlines()[-1])
    print(
        f"Bot process: {rss['start']:.0f} MB at start, {rss['loaded']:.0f} MB with the bot and "
        f"reader loaded, {rss['after']:.0f} MB after reading every story "
        f"(peak {rss['peak']:.0f} MB)"
    )


def main() -> None:
    """Run every part and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    accuracy(STORY_FILES, "times.yaml", "Corpus (in-sample)")
    accuracy(HOLDOUT_STORIES, HOLDOUT_TIMES, "Held-out set 1")
    accuracy(HOLDOUT2_STORIES, None, "Held-out set 2")
    speed(args.rounds)
    memory()


if __name__ == "__main__":
    main()
