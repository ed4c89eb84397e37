"""Precision of the default topic rules on 200 hand-labelled BBC development articles.

    .venv/bin/python scripts/check_topic_rules.py --data ../shared/eval/data

The labels (article ids and topics, no texts) are in docs/data/bbc_topic_labels.tsv. For each
default topic it prints how many of the labelled articles the rule tags, how many of those are
really about the topic (precision) and how many of the articles about it it finds (recall).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.defaults import DEFAULT_TOPICS  # noqa: E402
from ingest.tagging import compile_topics, matching_topics  # noqa: E402
from summarizer.bench import load_bbc  # noqa: E402

LABELS = ROOT / "docs" / "data" / "bbc_topic_labels.tsv"


def read_labels(path: Path) -> dict[str, set[str]]:
    """Article id -> the topics it is really about."""
    labels: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "id\t")):
            continue
        article_id, _, topics = line.partition("\t")
        labels[article_id] = set() if topics.strip() == "-" else set(topics.split(","))
    return labels


def main(argv: list[str] | None = None) -> int:
    """Print the per-topic table; 1 when a tagged topic falls under 90% precision overall."""
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "eval" / "data")
    parser.add_argument("--verbose", action="store_true", help="list every wrong tag")
    args = parser.parse_args(argv)
    labels = read_labels(LABELS)
    articles = {item.id: item for item in load_bbc(args.data / "bbc_news_summary")
                if item.id in labels}
    topics = compile_topics((topic.slug, topic.rule) for topic in DEFAULT_TOPICS)
    tagged = {i: set(matching_topics(a.title or "", a.body, topics)) for i, a in articles.items()}
    print(f"{len(articles)} labelled BBC dev articles\n")
    print("| topic | tagged | really about it | precision | articles about it | found | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    all_tagged = all_right = 0
    for topic in DEFAULT_TOPICS:
        hits = [i for i in articles if topic.slug in tagged[i]]
        right = [i for i in hits if topic.slug in labels[i]]
        about = [i for i in articles if topic.slug in labels[i]]
        all_tagged += len(hits)
        all_right += len(right)
        precision = f"{100 * len(right) / len(hits):.0f}%" if hits else "-"
        recall = f"{100 * len(right) / len(about):.0f}%" if about else "-"
        print(f"| {topic.slug} | {len(hits)} | {len(right)} | {precision} | {len(about)} | "
              f"{len(right)} | {recall} |")
        if args.verbose:
            for i in hits:
                if i not in right:
                    print(f"    wrong: {i} {articles[i].title}")
    overall = 100 * all_right / all_tagged if all_tagged else 100.0
    print(f"| all topics | {all_tagged} | {all_right} | {overall:.0f}% | | | |")
    return 0 if overall >= 90 else 1


if __name__ == "__main__":
    sys.exit(main())
