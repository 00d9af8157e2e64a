#!/usr/bin/env python3
"""Compare kefu-triage's negativity flag with SnowNLP's sentiment on the same test splits.

    python3 examples/compare_snownlp.py [--limit N] [--dump-dir DIR]

By default this runs

    cargo run --release --example evaluate_sentiment -- --dump <tmpdir>

from the repository root, which prints kefu-triage's table and writes the three
test splits as JSON lines {"text": ..., "negative": true|false}. Every text is then
scored with SnowNLP (`SnowNLP(text).sentiments` is P(positive); negative means
< 0.5) and both systems are printed side by side in one markdown table.

Options:
  --limit N        score only the first N items of each file with SnowNLP (quick
                   run); kefu-triage's row still covers the whole file.
  --dump-dir DIR   reuse an existing dump instead of running cargo; kefu-triage's
                   columns are then shown as "n/a".

Needs `pip install snownlp`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# (dump file, label in our table, keyword that identifies our row)
TEST_SETS = [
    ("shopping_test.jsonl", "shopping reviews (10% test split)", "shopping"),
    ("weibo_eval.jsonl", "Weibo emotion eval (angry/sad/fear = negative)", "weibo"),
    ("service_heldout.jsonl", "customer-service held-out", "customer-service"),
]

REPO_ROOT = Path(__file__).resolve().parent.parent


def import_snownlp():
    try:
        from snownlp import SnowNLP  # noqa: F401  (the import loads the models)
    except ImportError:
        print(
            "compare_snownlp: the Python package `snownlp` is not importable.\n"
            "Install it with:\n\n    pip install snownlp\n",
            file=sys.stderr,
        )
        sys.exit(2)
    return SnowNLP


def run_ours(dump_dir):
    """Runs the Rust evaluation, dumping the splits into dump_dir; returns its stdout."""
    cmd = [
        "cargo",
        "run",
        "--release",
        "--example",
        "evaluate_sentiment",
        "--",
        "--dump",
        str(dump_dir),
    ]
    print("running: " + " ".join(cmd) + f"  (cwd {REPO_ROOT})", file=sys.stderr)
    try:
        proc = subprocess.run(
            cmd,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
        )
    except FileNotFoundError:
        sys.exit("compare_snownlp: `cargo` not found on PATH (or use --dump-dir DIR)")
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        sys.exit(f"compare_snownlp: evaluate_sentiment failed (exit {proc.returncode})")
    return proc.stdout


def parse_ours(stdout):
    """Parses the markdown rows of evaluate_sentiment's table.

    Returns ({keyword: metrics dict}, threshold or None).
    """
    rows = {}
    threshold = None
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("threshold"):
            try:
                threshold = float(line.rsplit(":", 1)[1])
            except (IndexError, ValueError):
                pass
            continue
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) != 8 or cells[0] == "test set" or set(cells[1]) <= set("-:"):
            continue
        name = cells[0].lower()
        key = next((k for _, _, k in TEST_SETS if k in name), None)
        if key is None:
            continue
        try:
            n = int(cells[1])
            acc, p, r, f1, micros, triage_micros = (float(c) for c in cells[2:])
        except ValueError:
            continue
        rows[key] = {"n": n, "acc": acc, "p": p, "r": r, "f1": f1, "us": micros,
                     "us_triage": triage_micros}
    return rows, threshold


def load_split(path, limit):
    items = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            obj = json.loads(line)
            items.append((obj["text"], bool(obj["negative"])))
            if limit is not None and len(items) >= limit:
                break
    return items


def metrics(predicted, gold):
    tp = sum(1 for p, g in zip(predicted, gold) if p and g)
    fp = sum(1 for p, g in zip(predicted, gold) if p and not g)
    tn = sum(1 for p, g in zip(predicted, gold) if not p and not g)
    fn = sum(1 for p, g in zip(predicted, gold) if not p and g)
    n = len(gold)
    prec = tp / max(tp + fp, 1)
    rec = tp / max(tp + fn, 1)
    f1 = 2 * prec * rec / (prec + rec) if prec + rec > 0 else 0.0
    return {"n": n, "acc": (tp + tn) / max(n, 1), "p": prec, "r": rec, "f1": f1}


def score_snownlp(SnowNLP, texts):
    """Returns (negative flags, µs per inquiry, exception count)."""
    flags = [False] * len(texts)
    errors = 0
    start = time.perf_counter()
    for i, text in enumerate(texts):
        try:
            flags[i] = SnowNLP(text).sentiments < 0.5
        except Exception:  # e.g. ZeroDivisionError on empty text: count as not negative
            errors += 1
    elapsed = time.perf_counter() - start
    return flags, elapsed * 1e6 / max(len(texts), 1), errors


def fmt(x, spec):
    return "n/a" if x is None else format(x, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, metavar="N",
                    help="score only the first N items of each file with snownlp")
    ap.add_argument("--dump-dir", metavar="DIR",
                    help="reuse an existing dump instead of running cargo")
    args = ap.parse_args()
    if args.limit is not None and args.limit < 1:
        ap.error("--limit must be at least 1")

    SnowNLP = import_snownlp()
    try:
        SnowNLP("预热").sentiments  # warm-up outside the timed loops
    except Exception:
        pass

    tmp = None
    ours, threshold = {}, None
    if args.dump_dir:
        dump_dir = Path(args.dump_dir)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kefu_sent_dump_")
        dump_dir = Path(tmp.name)
        ours, threshold = parse_ours(run_ours(dump_dir))
        missing = [k for _, _, k in TEST_SETS if k not in ours]
        if missing:
            sys.exit("compare_snownlp: could not parse kefu-triage rows for: "
                     + ", ".join(missing))

    results = []
    try:
        for file, label, key in TEST_SETS:
            path = dump_dir / file
            if not path.is_file():
                sys.exit(f"compare_snownlp: {path} not found")
            items = load_split(path, args.limit)
            texts = [t for t, _ in items]
            gold = [g for _, g in items]
            print(f"snownlp: scoring {len(texts)} items of {file} ...", file=sys.stderr)
            flags, micros, errors = score_snownlp(SnowNLP, texts)
            snow = metrics(flags, gold)
            snow["us"] = micros
            snow["errors"] = errors
            results.append((label, ours.get(key), snow))
    finally:
        if tmp is not None:
            tmp.cleanup()

    head = ["test set", "n",
            "acc kefu", "acc snownlp", "Δ acc (kefu − snownlp, pts)",
            "neg P kefu", "neg P snownlp", "neg R kefu", "neg R snownlp",
            "neg F1 kefu", "neg F1 snownlp",
            "µs/inq kefu sentiment", "µs/inq kefu triage", "µs/inq snownlp",
            "speed ratio (snownlp / kefu sentiment)", "speed ratio (snownlp / kefu triage)"]
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for label, o, s in results:
        o = o or {}
        if o.get("n") is not None and o["n"] != s["n"]:
            n = f"{o['n']} (snownlp: {s['n']})"
        else:
            n = str(s["n"])
        delta = (o["acc"] - s["acc"]) * 100 if "acc" in o else None
        ratio = s["us"] / o["us"] if o.get("us") else None
        ratio_triage = s["us"] / o["us_triage"] if o.get("us_triage") else None
        cells = [label, n,
                 fmt(o.get("acc"), ".3f"), fmt(s["acc"], ".3f"), fmt(delta, "+.1f"),
                 fmt(o.get("p"), ".3f"), fmt(s["p"], ".3f"),
                 fmt(o.get("r"), ".3f"), fmt(s["r"], ".3f"),
                 fmt(o.get("f1"), ".3f"), fmt(s["f1"], ".3f"),
                 fmt(o.get("us"), ".1f"), fmt(o.get("us_triage"), ".1f"), fmt(s["us"], ".1f"),
                 fmt(ratio, ".0f") + ("×" if ratio is not None else ""),
                 fmt(ratio_triage, ".0f") + ("×" if ratio_triage is not None else "")]
        print("| " + " | ".join(cells) + " |")

    print()
    print("Timing: kefu sentiment is `Engine::sentiment_with` (normalize, lexicon scan, "
          "negativity and emotion models), the same figures triage reports; kefu triage is "
          "the WHOLE triage (also PII masking, issue type, routing, the explained decision); "
          "snownlp's is sentiment alone (`SnowNLP(text).sentiments`), model loading excluded "
          "for all.")
    thr = f"threshold {threshold:.2f}" if threshold is not None else "policy negativity_threshold"
    print(f"Negative = kefu-triage sentiment.negative ({thr}); snownlp sentiments < 0.5.")
    errors = ", ".join(f"{label}: {s['errors']}" for label, _, s in results)
    print(f"snownlp exceptions (counted as not negative): {errors}.")
    if args.limit is not None:
        print(f"--limit {args.limit}: snownlp scored only the first {args.limit} items of each "
              "file; kefu-triage's numbers cover the whole file, so they are not the same sample.")
    if args.dump_dir:
        print(f"--dump-dir {args.dump_dir}: cargo was not run, so kefu-triage's columns are n/a.")


if __name__ == "__main__":
    main()
