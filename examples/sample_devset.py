#!/usr/bin/env python3
"""Draws the real-message dev set pool from ../shared/data (fixed seed).

    python3 examples/sample_devset.py [--data ../shared/data] > tests/data/real/pool.jsonl

Every source of ../shared/data contributes; texts already used by the
older Alipay files of tests/data/issues/ are skipped, and exact duplicates
are dropped. The pool carries only the text, the source and an id; labels
are added by the labelers (tests/data/real/README.md).
"""
import csv, json, random, sys, os

data = "../shared/data"
if "--data" in sys.argv:
    data = sys.argv[sys.argv.index("--data") + 1]
rng = random.Random(20261205)

def ok(t):
    t = t.strip()
    return 2 <= len(t) <= 260

def take(name, rows, n):
    rows = [r for r in rows if ok(r)]
    rows = sorted(set(rows))
    rng.shuffle(rows)
    return [(name, t) for t in rows[:n]]

def jl(path):
    with open(os.path.join(data, path), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

used = set()
for f in ("tests/data/issues/train_alipay.jsonl", "tests/data/issues/alipay_labeled.jsonl"):
    if os.path.exists(f):
        for l in open(f, encoding="utf-8"):
            if l.strip():
                used.add(json.loads(l)["text"].strip())

pool = []
pool += take("helpdesk", [r["text"] for r in jl("inquiries/stc3_weibo_helpdesk_train.jsonl")], 320)
alipay = [l.strip() for l in open(os.path.join(data, "questions/atec_alipay_questions.txt"), encoding="utf-8")]
pool += take("alipay", [t for t in alipay if t not in used], 170)
with open(os.path.join(data, "sentiment/online_shopping_9_cats.csv"), encoding="utf-8") as f:
    shop = [r["review"] for r in csv.DictReader(f) if r["review"] and len(r["review"]) <= 120]
pool += take("shopping", shop, 190)
with open(os.path.join(data, "opinion/zhijiang_reviews_train.csv"), encoding="utf-8") as f:
    pool += take("cosmetics", [r["Reviews"] for r in csv.DictReader(f)], 100)
pool += take("chatbot", [r["text"].replace(" ", "") for r in jl("sentiment/xs_chatbot_messages.jsonl")], 150)
pool += take("assistant", [r["text"] for r in jl("intents/smp2017_ecdt_domains.jsonl")], 150)
pool += take("medical", [r["text"] for r in jl("intents/kuake_qic_medical_queries.jsonl")], 120)
pool += take("crosswoz", [r["text"] for r in jl("intents/crosswoz_user_turns.jsonl")], 120)
pool += take("weibo", [r["text"] for r in jl("emotion/smp2020_ewect_usual_eval.jsonl")], 40)

seen = set()
rng.shuffle(pool)
n = 0
for source, text in pool:
    t = text.strip()
    if t in seen:
        continue
    seen.add(t)
    n += 1
    print(json.dumps({"id": n, "source": source, "text": t}, ensure_ascii=False))
