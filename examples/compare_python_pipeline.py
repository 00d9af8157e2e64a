#!/usr/bin/env python3
"""Whole-process side-by-side: kefu-triage's `triage` example against the
Python pipeline people use for the same job (jieba.lcut + SnowNLP sentiment)
on the same 500 lines.

    pip install jieba snownlp
    python3 examples/compare_python_pipeline.py [--lines 500]

Both are timed as whole processes, start-up included (the Rust binary is
built first and not timed), and per line after start-up (Python: timed
inside the process; Rust: 40 copies of the lines minus an empty run). The lines are the
first N distinct texts of tests/data/issues/heldout.jsonl and then real
Alipay questions from ../shared/data, so both see identical input.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PY_PIPELINE = r"""
import sys, time
t0 = time.perf_counter()
import jieba
from snownlp import SnowNLP
jieba.initialize()
t1 = time.perf_counter()
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    text = line.rstrip("\n")
    tokens = jieba.lcut(text)
    p = SnowNLP(text).sentiments if text.strip() else 0.5
    n += len(tokens) + (p < 0.5)
t2 = time.perf_counter()
print(f"{t1 - t0:.6f} {t2 - t1:.6f} {n}")
"""


def lines(n):
    out, seen = [], set()
    for line in open(os.path.join(ROOT, "tests/data/issues/heldout.jsonl"), encoding="utf-8"):
        t = json.loads(line)["text"].replace("\n", " ")
        if t not in seen:
            seen.add(t)
            out.append(t)
    q = os.path.join(ROOT, "..", "shared", "data", "questions", "atec_alipay_questions.txt")
    if os.path.exists(q):
        for t in open(q, encoding="utf-8"):
            t = t.strip()
            if len(out) >= n:
                break
            if len(t) >= 4 and t not in seen:
                seen.add(t)
                out.append(t)
    return out[:n]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=500)
    args = ap.parse_args()
    try:
        import jieba  # noqa: F401
        import snownlp  # noqa: F401
    except ImportError:
        print("needs the Python packages: pip install jieba snownlp", file=sys.stderr)
        sys.exit(2)
    texts = lines(args.lines)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(texts) + "\n")
        path = f.name
    subprocess.run(["cargo", "build", "--release", "--example", "triage"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                          "release", "examples", "triage")

    t = time.perf_counter()
    out = subprocess.run([binary, path], capture_output=True, text=True, check=True).stdout
    rust_total = time.perf_counter() - t
    assert len(out.splitlines()) == len(texts)
    # Start-up alone: the same binary on an empty file.
    empty = path + ".empty"
    open(empty, "w").close()
    t = time.perf_counter()
    subprocess.run([binary, empty], capture_output=True, check=True)
    rust_start = time.perf_counter() - t

    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", PY_PIPELINE, path], capture_output=True, text=True, check=True)
    py_total = time.perf_counter() - t
    py_start, py_work, _ = res.stdout.split()
    py_work = float(py_work)

    n = len(texts)
    # Per line after start-up: 40 copies of the lines, so the start-up
    # (measured on an empty file) is small against the work.
    reps = 40
    big = path + ".big"
    with open(big, "w", encoding="utf-8") as f:
        f.write(("\n".join(texts) + "\n") * reps)
    t = time.perf_counter()
    subprocess.run([binary, big], stdout=subprocess.DEVNULL, check=True)
    rust_per = max(time.perf_counter() - t - rust_start, 0.0) / (n * reps)
    os.unlink(big)
    print(f"| pipeline | lines | whole process (s) | per line after start-up (µs) |")
    print(f"|---|---|---|---|")
    print(f"| kefu-triage (full triage, JSON out) | {n} | {rust_total:.2f} | {rust_per * 1e6:.0f} |")
    print(f"| jieba.lcut + SnowNLP sentiment | {n} | {py_total:.2f} | {py_work / n * 1e6:.0f} |")
    print(f"\nwhole process: {py_total / rust_total:.1f}x faster; per line: {py_work / n / max(rust_per, 1e-9):.0f}x faster")
    os.unlink(path)
    os.unlink(empty)


if __name__ == "__main__":
    main()
