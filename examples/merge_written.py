#!/usr/bin/env python3
"""Keeps the written inquiries a blind second labeler agrees with.

    python3 examples/merge_written.py OUT AUTHORED.json CHECK.jsonl...
    # OUT: tests/data/issues/train7.jsonl, train8.jsonl

AUTHORED holds the written messages with their authors' labels (a JSON list
of {"id", "text", "issue", "secondary", "negative", "author"}, `author` the
style the author wrote in, or for train7 the index of its industry in
INDUSTRY); each CHECK
file a blind labeler's answers ({"id", "issue", "secondary", "negative"})
for some of them, every id once over all files. A message is kept when the
two agree on the issue, counting either one's secondary label; its
negativity is kept where they agree on it too and is null otherwise (the
sentiment trainer skips it). Dropped: messages they disagree on, and any
text already in another file of tests/data/issues/ (so none meets a
held-out file). Writes OUT; prints the agreement to stderr.
"""
import glob, json, os, sys

out_path = sys.argv[1]
authored = json.load(open(sys.argv[2], encoding="utf-8"))
check = {}
for f in sys.argv[3:]:
    for line in open(f, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            assert r["id"] not in check, f"id {r['id']} labeled twice"
            check[r["id"]] = r
assert set(check) == {a["id"] for a in authored}, "every message must be checked once"

existing = set()
for f in glob.glob("tests/data/issues/*.jsonl"):
    if os.path.abspath(f) != os.path.abspath(out_path):
        for line in open(f, encoding="utf-8"):
            if line.strip():
                existing.add(json.loads(line)["text"].strip())

# The industry each author wrote for (the `author` index).
INDUSTRY = ["ecommerce", "local_life", "travel", "education", "medical_beauty", "finance",
            "telecom", "platform"]

out = open(out_path, "w", encoding="utf-8")
kept = strict = loose = neg = clash = 0
for a in sorted(authored, key=lambda r: r["id"]):
    c = check[a["id"]]
    same = a["issue"] == c["issue"]
    agree = same or c["issue"] == a.get("secondary") or a["issue"] == c.get("secondary")
    same_neg = bool(a["negative"]) == bool(int(c["negative"]))
    strict += same
    loose += agree
    neg += same_neg
    if a["text"].strip() in existing:
        clash += 1
        continue
    if not agree:
        continue
    kept += 1
    sec = a.get("secondary") or (c["issue"] if not same else c.get("secondary"))
    print(json.dumps({
        "text": a["text"],
        "issue": a["issue"],
        "secondary": sec if sec != a["issue"] else None,
        "negative": bool(a["negative"]) if same_neg else None,
        "industry": INDUSTRY[a["author"]] if isinstance(a["author"], int) else a["author"],
        "checker": [c["issue"], int(c["negative"])],
    }, ensure_ascii=False), file=out)
out.close()
n = len(authored)
print(f"{n} written; blind check agrees on the issue {strict / n:.3f} strict, {loose / n:.3f} "
      f"counting a secondary label, negativity {neg / n:.3f}; {clash} already in tests/data/issues "
      f"dropped; {kept} kept", file=sys.stderr)
