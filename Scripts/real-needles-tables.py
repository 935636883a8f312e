#!/usr/bin/env python3
"""The real-needles tables of Docs/evaluation.md, from a sweep's results.csv.

    python3 Scripts/real-needles-tables.py sweeps/real-needles/results.csv > tables.md

Means over clips per strategy, mode and budget: "all" (every clip), "held" (held-* clips),
"tune" (tune-* clips); subsets a sweep has no clip of are left out (the fresh set,
Configs/real-needles-fresh.yaml, and the third, real-needles-third.yaml, are all held out: their clips are fresh-* and third-*). Two tables per set: temporal recall / event hit / detail recall /
tokens used ÷ budget, and precision / F1 / token share on events.
"""
import csv
import sys

STRATEGIES = ["arrcoc", "uniform", "random", "topk", "bolt", "aks"]
RECALL = ("temporal recall / event hit / detail recall / tokens used ÷ budget",
          ["temporal_recall", "event_hit", "detail_recall", "used"])
PRECISION = ("precision / F1 / token share on events", ["precision", "f1", "token_share_on_events"])


def main(path):
    rows = [r for r in csv.DictReader(open(path, newline="")) if r["status"] == "ok"]
    for r in rows:
        r["used"] = float(r["tokens_used"]) / float(r["budget"])
        r["clip"] = r["video"].rsplit("/", 1)[-1]
    budgets = sorted({int(r["budget"]) for r in rows})
    largest = max(budgets)
    for mode in ("resize", "select"):
        for subset in (None, "held", "tune"):
            if subset and not any(r["clip"].startswith(subset) for r in rows):
                continue
            for title, keys in (RECALL, PRECISION):
                print(f"**{mode}, {subset or 'all'}** ({title})\n")
                print("| strategy | " + " | ".join(f"{b} ({100 * b / largest:.0f}%)" for b in budgets) + " |")
                print("|---|" + "---|" * len(budgets))
                for strategy in STRATEGIES:
                    cells = []
                    for b in budgets:
                        rs = [r for r in rows if r["strategy"] == strategy and r["mode"] == mode and int(r["budget"]) == b
                              and (subset is None or r["clip"].startswith(subset))]
                        if not rs:
                            cells.append("—")
                            continue
                        cells.append(" / ".join(f"{sum(float(r[k]) for r in rs) / len(rs):.2f}" for k in keys))
                    print(f"| {strategy} | " + " | ".join(cells) + " |")
                print()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: real-needles-tables.py RESULTS.csv")
    main(sys.argv[1])
