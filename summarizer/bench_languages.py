"""`newsbot bench languages`: accuracy and speed of language detection on one-paragraph news.

Reads a labelled TSV (ISO code, tab, text; lines starting with # are comments), by default
the set shipped with the package (summarizer/data/language_samples.tsv), and prints the
accuracy and the median time per text of `summarizer.languages.detect` beside the stop-word
detector it replaced, measured in the same run (kept here as the baseline).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from summarizer import languages
from summarizer.stopwords import stop_words

DEFAULT_SET = Path(__file__).resolve().parent / "data" / "language_samples.tsv"
_OLD_LANGUAGES = ("en", "ru", "uk", "de", "fr", "es", "it", "pt")


def read_set(path: Path) -> list[tuple[str, str]]:
    """(code, text) pairs of a labelled TSV."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, _, text = line.partition("\t")
            rows.append((code.strip(), text.strip()))
    return rows


def baseline_detect(text: str) -> str:
    """The detector before py3langid: the script, then English or the most stop words."""
    script = languages.dominant_script(text)
    sample = text[:2000]
    if script == "cyrillic":
        return "uk" if len(languages._UKRAINIAN_ONLY.findall(sample)) > 3 else "ru"
    if script != "latin":
        return languages.detect(text).code
    words = sample[:1000].lower().split()
    english = sum(map(stop_words("english").__contains__, words))
    if english >= 0.2 * len(words):
        return "en"
    best_code, best_hits = "en", english
    for code in _OLD_LANGUAGES:
        name, code_script = languages.SUPPORTED[code]
        if code_script != "latin":
            continue
        hits = sum(map(stop_words(name).__contains__, words))
        if hits > best_hits * 1.2:
            best_code, best_hits = code, hits
    return best_code


def measure(detect: Callable[[str], str], rows: Sequence[tuple[str, str]], rounds: int) -> dict:
    """Accuracy, the misses, and the median milliseconds per text over `rounds` passes."""
    detect(rows[0][1])  # load models outside the timing
    misses = [(code, got) for code, text in rows if (got := detect(text)) != code]
    per_text = []
    for _ in range(rounds):
        # each pass as if the texts were new: the detector forgets the walks it remembered
        languages.clear_detection_cache()
        for _, text in rows:
            start = time.perf_counter()
            detect(text)
            per_text.append((time.perf_counter() - start) * 1000)
    return {
        "accuracy": 1 - len(misses) / len(rows),
        "misses": misses,
        "median_ms": statistics.median(per_text),
        "p99_ms": sorted(per_text)[int(0.99 * (len(per_text) - 1))],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsbot bench languages", description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_SET, help="labelled TSV")
    parser.add_argument("--rounds", type=int, default=20, help="timing passes over the set")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data} is not a file")
    rows = read_set(args.data)
    if not rows:
        parser.error(f"{args.data} has no labelled lines")
    ours = measure(lambda text: languages.detect(text).code, rows, args.rounds)
    base = measure(baseline_detect, rows, args.rounds)
    count = len({code for code, _ in rows})
    print(f"Language detection: {len(rows)} texts in {count} languages ({args.data.name})")
    print(f"{'detector':<22}{'accuracy':>10}{'median ms':>11}{'p99 ms':>9}")
    for name, figures in (("py3langid (ours)", ours), ("stop words (before)", base)):
        print(
            f"{name:<22}{figures['accuracy']:>10.1%}{figures['median_ms']:>11.3f}"
            f"{figures['p99_ms']:>9.3f}"
        )
    ratio = ours["median_ms"] / base["median_ms"] if base["median_ms"] else float("inf")
    print(f"time ratio ours/before: {ratio:.2f}x; targets: accuracy >= 95%, < 1 ms per text")
    for label, figures in (("ours", ours), ("before", base)):
        if figures["misses"]:
            wrong = ", ".join(f"{code}->{got}" for code, got in figures["misses"])
            print(f"misses ({label}): {wrong}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
