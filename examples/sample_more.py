#!/usr/bin/env python3
"""Draws more real messages to label for training only (fixed seed per round).

    python3 examples/sample_more.py [--round 1|2|3] [--data ../shared/data] \
        > tests/data/real/more_pool.jsonl      # round 1; round N: moreN_pool.jsonl

Round 1: the sources the first labeled files hold least of (Alipay
questions, shopping and cosmetics reviews, voice-assistant queries, medical
queries, CrossWOZ turns). Round 2: where the round-1 model still errs most
(Alipay account vs order_payment, complaints and defects in reviews, Weibo
and chatbot negativity): Alipay questions, shopping reviews (half from the
rows their source labels negative), cosmetics reviews, Weibo posts and
chatbot messages (half labeled negative upstream). Round 3: where
negativity still errs (chatbot banter, Weibo posts) and more reviews.

Skipped: every text of tests/data/real/ written before the round (the pools
of this round and later ones are ignored, so a round draws the same texts
whenever it is rerun) and of the Alipay files of tests/data/issues/, and
the rows of the sentiment test and tune splits (shopping row % 10 of 0 and
1, Weibo row % 10 of 1; examples/common/sentiment_data.rs), so no
evaluation figure trains on its own test. Ids start at 100001 (round N:
N×100000 + 1) so they never meet the dev set's.
"""
import csv, glob, json, os, random, sys

data = "../shared/data"
if "--data" in sys.argv:
    data = sys.argv[sys.argv.index("--data") + 1]
round_ = int(sys.argv[sys.argv.index("--round") + 1]) if "--round" in sys.argv else 1
assert round_ in (1, 2, 3), "--round is 1, 2 or 3"
rng = random.Random(20261205 + round_)
# Files of this round and later ones: more_pool.jsonl and more.jsonl are
# round 1, moreN_pool.jsonl and moreN.jsonl round N.
def round_files(n):
    suffix = "" if n == 1 else str(n)
    return {f"more{suffix}_pool.jsonl", f"more{suffix}.jsonl"}
later = set().union(*(round_files(n) for n in range(round_, 4)))

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
# Weibo posts outside the sentiment tune split; chatbot messages with their upstream label.
weibo = [r["text"] for i, r in enumerate(jl("emotion/smp2020_ewect_virus_train.jsonl")) if i % 10 != 1]
chat = [(r["text"].replace(" ", ""), r["label"]) for r in jl("sentiment/xs_chatbot_messages.jsonl")]
chat_negative = [t for t, label in chat if label == "negative"]
chat_all = [t for t, _ in chat]
if round_ == 1:
    pool += take("alipay", alipay, 300)
    pool += take("shopping", shop, 300)
    pool += take("cosmetics", cosmetics, 200)
    pool += take("assistant", [r["text"] for r in jl("intents/smp2017_ecdt_domains.jsonl")], 250)
    pool += take("medical", [r["text"] for r in jl("intents/kuake_qic_medical_queries.jsonl")], 300)
    pool += take("crosswoz", [r["text"] for r in jl("intents/crosswoz_user_turns.jsonl")], 250)
elif round_ == 2:
    pool += take("alipay", alipay, 400)
    pool += take("shopping", [r["review"] for r in shop_rows if r["label"] == "0"], 250)
    pool += take("shopping", shop, 250)
    pool += take("cosmetics", cosmetics, 300)
    pool += take("weibo", weibo, 200)
    pool += take("chatbot", chat_negative, 100)
    pool += take("chatbot", chat_all, 100)
else:
    pool += take("chatbot", chat_negative, 350)
    pool += take("chatbot", chat_all, 350)
    pool += take("weibo", weibo, 300)
    pool += take("cosmetics", cosmetics, 300)
    pool += take("shopping", shop, 300)

seen = set()
rng.shuffle(pool)
n = round_ * 100000
for source, text in pool:
    if text in seen:
        continue
    seen.add(text)
    n += 1
    print(json.dumps({"id": n, "source": source, "text": text}, ensure_ascii=False))
