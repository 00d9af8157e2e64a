#!/usr/bin/env python3
"""Builds tests/data/real/devset.jsonl from the pool and the labels.

    python3 examples/build_devset.py POOL A.jsonl B.jsonl SETTLED.jsonl > tests/data/real/devset.jsonl

POOL is tests/data/real/pool.jsonl (examples/sample_devset.py); A and B are
the two blind labelers' answers ({"id", "issue", "secondary", "negative"}
per line, every pool id once); SETTLED holds the settled labels of the ids
where A and B disagreed on the issue or on negativity. Prints the agreement
to stderr. The split is fixed once: within each source, ids are ordered by
a seeded hash and the first 35% are `test`, the rest `train`.
"""
import hashlib, json, sys
from collections import defaultdict

pool_f, a_f, b_f, settled_f = sys.argv[1:5]
load = lambda f: {r["id"]: r for r in (json.loads(l) for l in open(f, encoding="utf-8") if l.strip())}
pool, A, B, S = load(pool_f), load(a_f), load(b_f), load(settled_f)
assert set(A) == set(B) == set(pool), "every pool id must be labeled by both"

def h(i):
    return hashlib.sha256(f"kefu-devset-2026-12-05:{i}".encode()).hexdigest()

by_source = defaultdict(list)
for i, r in pool.items():
    by_source[r["source"]].append(i)
test = set()
for src, ids in by_source.items():
    ids.sort(key=h)
    test.update(ids[: round(len(ids) * 0.35)])

agree_issue = agree_loose = agree_neg = 0
out = []
for i in sorted(pool):
    a, b = A[i], B[i]
    same_issue = a["issue"] == b["issue"]
    same_neg = int(a["negative"]) == int(b["negative"])
    agree_issue += same_issue
    agree_loose += same_issue or a["issue"] == b.get("secondary") or b["issue"] == a.get("secondary")
    agree_neg += same_neg
    if same_issue and same_neg:
        final = a if a.get("secondary") == b.get("secondary") else {**a, "secondary": a.get("secondary") or b.get("secondary")}
    else:
        assert i in S, f"id {i}: the labelers disagree and nothing settles it"
        final = S[i]
    sec = final.get("secondary")
    out.append({
        "id": i,
        "source": pool[i]["source"],
        "text": pool[i]["text"],
        "issue": final["issue"],
        "secondary": sec if sec and sec != final["issue"] else None,
        "negative": bool(int(final["negative"])),
        "split": "test" if i in test else "train",
        "labelers": [[a["issue"], int(a["negative"])], [b["issue"], int(b["negative"])]],
    })
n = len(pool)
print(f"{n} messages; agreement: issue {agree_issue/n:.3f} strict, {agree_loose/n:.3f} counting a secondary label; negativity {agree_neg/n:.3f}", file=sys.stderr)
for r in out:
    print(json.dumps(r, ensure_ascii=False))
