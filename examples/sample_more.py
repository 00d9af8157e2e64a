#!/usr/bin/env python3
"""Draws more real messages to label for training only (fixed seed per round).

    python3 examples/sample_more.py [--round 1|2] [--data ../shared/data] \
        > tests/data/real/more_pool.jsonl      # round 1; round 2: more2_pool.jsonl

Round 1: the sources the first labeled files hold least of (Alipay
questions, shopping and cosmetics reviews, voice-assistant queries, medical
queries, CrossWOZ turns). Round 2: where the round-1 model still errs most
(Alipay account vs order_payment, complaints and defects in reviews, Weibo
and chatbot negativity): Alipay questions, shopping reviews (half from the
rows their source labels negative), cosmetics reviews, Weibo posts and
chatbot messages (half labeled negative upstream).

Skipped: every text of tests/data/real/ written before the round (the pools
of this round and later ones are ignored, so a round draws the same texts
whenever it is rerun) and of the Alipay files of tests/data/issues/, and
the rows of the sentiment test and tune splits (shopping row % 10 of 0 and
1, Weibo row % 10 of 1; examples/common/sentiment_data.rs), so no
evaluation figure trains on its own test. Ids start at 100001 (round 2:
200001) so they never meet the dev set's.
"""
import csv, glob, json, os, random, sys

data = "../shared/data"
if "--data" in sys.argv:
    data = sys.argv[sys.argv.index("--data") + 1]
round_ = int(sys.argv[sys.argv.index("--round") + 1]) if "--round" in sys.argv else 1
assert round_ in (1, 2), "--round is 1 or 2"
rng = random.Random(20261206 if round_ == 1 else 20261207)
# Files of this round and later ones: more_pool.jsonl and more.jsonl are round 1.
later = {"more_pool.jsonl", "more.jsonl", "more2_pool.jsonl", "more2.jsonl"}
if round_ == 2:
    later -= {"more_pool.jsonl", "more.jsonl"}

used = set()
files = [f for f in glob.glob("tests/data/real/*.jsonl") if os.path.basename(f) not in later]
for f in sorted(files) + glob.glob("tests/data/issues/*alipay*.jsonl"):
    for l in open(f, encoding="utf-8"):
        if l.strip():
            used.add(json.loads(l)["text"].strip())

def jl(path):
    with open(os.path.join(data, path), encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

def take(name, rows, n):
    rows = sorted({t.strip() for t in rows if 2 <= len(t.strip()) <= 260} - used)
    rng.shuffle(rows)
    return [(name, t) for t in rows[:n]]

pool = []
alipay = [l for l in open(os.path.join(data, "questions/atec_alipay_questions.txt"), encoding="utf-8")]
with open(os.path.join(data, "sentiment/online_shopping_9_cats.csv"), encoding="utf-8") as f:
    shop_rows = [r for i, r in enumerate(csv.DictReader(f))
                 if i % 10 >= 2 and r["review"] and len(r["review"]) <= 120]
shop = [r["review"] for r in shop_rows]
with open(os.path.join(data, "opinion/zhijiang_reviews_train.csv"), encoding="utf-8") as f:
    cosmetics = [r["Reviews"] for r in csv.DictReader(f)]
if round_ == 1:
    pool += take("alipay", alipay, 300)
    pool += take("shopping", shop, 300)
    pool += take("cosmetics", cosmetics, 200)
    pool += take("assistant", [r["text"] for r in jl("intents/smp2017_ecdt_domains.jsonl")], 250)
    pool += take("medical", [r["text"] for r in jl("intents/kuake_qic_medical_queries.jsonl")], 300)
    pool += take("crosswoz", [r["text"] for r in jl("intents/crosswoz_user_turns.jsonl")], 250)
else:
    pool += take("alipay", alipay, 400)
    pool += take("shopping", [r["review"] for r in shop_rows if r["label"] == "0"], 250)
    pool += take("shopping", shop, 250)
    pool += take("cosmetics", cosmetics, 300)
    weibo = [r["text"] for i, r in enumerate(jl("emotion/smp2020_ewect_virus_train.jsonl")) if i % 10 != 1]
    pool += take("weibo", weibo, 200)
    chat = jl("sentiment/xs_chatbot_messages.jsonl")
    pool += take("chatbot", [r["text"].replace(" ", "") for r in chat if r["label"] == "negative"], 100)
    pool += take("chatbot", [r["text"].replace(" ", "") for r in chat], 100)

seen = set()
rng.shuffle(pool)
n = 100000 if round_ == 1 else 200000
for source, text in pool:
    if text in seen:
        continue
    seen.add(text)
    n += 1
    print(json.dumps({"id": n, "source": source, "text": text}, ensure_ascii=False))
