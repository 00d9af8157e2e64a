#!/usr/bin/env python3
"""Merges two blind labelings of the same real messages into training data.

    python3 examples/merge_labels.py POOL A.jsonl B.jsonl SETTLED.jsonl > OUT.jsonl

POOL holds {"id", "source", "text", ...} per line; A and B the two labelers'
answers ({"id", "issue", "secondary", "negative"}, every pool id once; A may
be POOL itself when it carries the first labels); SETTLED the labels a third
labeler gave where A and B disagreed on the issue or on negativity. Every
output line is `split: "train"` and keeps both blind labels in `labelers`.
Prints the agreement to stderr.
"""
import json, sys

pool_f, a_f, b_f, settled_f = sys.argv[1:5]
load = lambda f: {r["id"]: r for r in (json.loads(l) for l in open(f, encoding="utf-8") if l.strip())}
pool, A, B, S = load(pool_f), load(a_f), load(b_f), load(settled_f)
assert set(A) == set(B) == set(pool), "every pool id must be labeled by both"

strict = loose = neg = 0
for i in sorted(pool):
    a, b = A[i], B[i]
    same_issue = a["issue"] == b["issue"]
    same_neg = int(a["negative"]) == int(b["negative"])
    strict += same_issue
    loose += same_issue or a["issue"] == b.get("secondary") or b["issue"] == a.get("secondary")
    neg += same_neg
    if same_issue and same_neg:
        final = {**a, "secondary": a.get("secondary") or b.get("secondary")}
    else:
        assert i in S, f"id {i}: the labelers disagree and nothing settles it"
        final = S[i]
    sec = final.get("secondary")
    print(json.dumps({
        "id": i,
        "source": pool[i]["source"],
        "text": pool[i]["text"],
        "issue": final["issue"],
        "secondary": sec if sec != final["issue"] else None,
        "negative": bool(int(final["negative"])),
        "split": "train",
        "labelers": [[a["issue"], int(a["negative"])], [b["issue"], int(b["negative"])]],
    }, ensure_ascii=False))
n = len(pool)
print(f"{n} messages; agreement: issue {strict / n:.3f} strict, {loose / n:.3f} counting a "
      f"secondary label; negativity {neg / n:.3f}; settled {len([i for i in pool if i in S])}",
      file=sys.stderr)
