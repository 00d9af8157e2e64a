#!/usr/bin/env python3
"""Does a model's kind limit its accuracy, or its data?

Fits other kinds of model to exactly the examples and features the shipped
linear model is trained on, with the same five-fold protocol, and prints the
out-of-fold accuracy on the real messages labeled here (overall and per
source) and on the written examples:

    pip install scikit-learn
    cargo run --release --example train_issue -- --dump-examples /tmp/issue_examples.jsonl
    python3 examples/compare_models.py /tmp/issue_examples.jsonl [--skip-mlp]

Models:
- `linear`: multinomial logistic regression (L-BFGS, C=10), the kind the
  engine ships, fitted by scikit-learn rather than by `kefu_triage::train`;
- `mlp`: one hidden layer of 128 ReLU units (Adam, 8 epochs, batches of
  256), a model that can combine features, which a linear one cannot;
- `linear, real N%`: the linear model trained with only a share of the real
  training messages (the other data kept), the learning curve that says what
  more labeled real messages would buy.

The same for the negativity model, on its train and tune splits (fitted on
train, measured on tune; the threshold is chosen on the tune split itself,
so the figures are optimistic for every model alike):

    cargo run --release --example train_sentiment -- --dump-examples /tmp/sentiment_examples.jsonl
    python3 examples/compare_models.py --sentiment /tmp/sentiment_examples.jsonl

Features are scaled as the engine scales them (each value divided by the
square root of the number of features emitted), features seen in fewer than
three examples (six for negativity) are dropped, and every example keeps
its training weight.
Only training data is read: never the dev set's test part or a held-out file.
"""
import argparse
import json
from collections import Counter, defaultdict

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier


def load(path, min_df=3, df_from=None):
    """The examples as a matrix; features counted in the examples `df_from`
    picks (all by default)."""
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    df = Counter()
    for r in rows:
        if df_from is None or df_from(r):
            df.update({name for name, _ in r["features"]})
    vocab = {n: i for i, n in enumerate(sorted(n for n, c in df.items() if c >= min_df))}
    indices, values, indptr = [], [], [0]
    for r in rows:
        summed = defaultdict(float)
        for name, v in r["features"]:
            summed[name] += v
        scale = max(len(r["features"]), 1) ** 0.5
        for name, v in summed.items():
            if name in vocab:
                indices.append(vocab[name])
                values.append(v / scale)
        indptr.append(len(indices))
    x = sp.csr_matrix((values, indices, indptr), shape=(len(rows), len(vocab)), dtype=np.float32)
    y = np.array([r["class"] for r in rows])
    w = np.array([r["weight"] for r in rows], dtype=np.float32)
    group = np.array([r.get("group") or r["split"] for r in rows])
    source = np.array([r["source"] for r in rows])
    return x, y, w, group, source


def report(name, pred, y, group, source):
    real, written = group == "real", group == "written"
    line = f"{name:<22} real {np.mean(pred[real] == y[real]):.3f}  written {np.mean(pred[written] == y[written]):.3f} |"
    for s in sorted(set(source[real])):
        m = real & (source == s)
        line += f" {s} {np.mean(pred[m] == y[m]):.3f}"
    print(line, flush=True)


def out_of_fold(make, x, y, w, keep=None):
    pred = np.zeros(len(y), dtype=int)
    for k, (tr, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=7).split(x, y)):
        if keep is not None:
            tr = tr[keep[tr]]
        model = make(k)
        model.fit(x[tr], y[tr], sample_weight=w[tr])
        pred[te] = model.predict(x[te])
    return pred


def sentiment(path):
    x, y, w, split, source = load(path, min_df=6, df_from=lambda r: r["split"] == "train")
    train = split == "train"
    print(f"{x.shape[0]} examples, {x.shape[1]} features; fitted on train, measured on tune:")
    models = [
        ("linear", LogisticRegression(C=10, max_iter=500)),
        ("mlp (64 hidden)", MLPClassifier(hidden_layer_sizes=(64,), max_iter=6, alpha=1e-4,
                                          batch_size=256, random_state=0)),
    ]
    for name, model in models:
        model.fit(x[train], y[train], sample_weight=w[train])
        p = model.predict_proba(x)[:, 1]
        line = f"{name:<16}"
        for s in ("real", "shopping", "weibo"):
            m = (split == "tune") & (source == s)
            best = max((np.mean((p[m] >= t) == y[m]), t) for t in np.arange(0.2, 0.8, 0.02))
            line += (f" | {s}: AUC {roc_auc_score(y[m], p[m]):.3f}, accuracy"
                     f" {np.mean((p[m] >= 0.5) == y[m]):.3f} at 0.5, {best[0]:.3f} at {best[1]:.2f}")
            if s == "weibo":
                line += f", negative-F1 {f1_score(y[m], p[m] >= 0.5):.3f} at 0.5"
        print(line, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("examples")
    ap.add_argument("--skip-mlp", action="store_true")
    ap.add_argument("--sentiment", action="store_true",
                    help="the examples are train_sentiment's")
    a = ap.parse_args()
    if a.sentiment:
        sentiment(a.examples)
        return
    x, y, w, group, source = load(a.examples)
    print(f"{x.shape[0]} examples, {x.shape[1]} features; out-of-fold accuracy (5 folds):")
    linear = lambda k: LogisticRegression(C=10, max_iter=300)
    report("linear", out_of_fold(linear, x, y, w), y, group, source)
    if not a.skip_mlp:
        mlp = lambda k: MLPClassifier(hidden_layer_sizes=(128,), max_iter=8, alpha=1e-4,
                                      batch_size=256, random_state=k)
        report("mlp (128 hidden)", out_of_fold(mlp, x, y, w), y, group, source)
    draw = np.random.default_rng(1).random(len(y))
    for share in (0.25, 0.5, 0.75):
        keep = (group != "real") | (draw < share)
        report(f"linear, real {share:.0%}", out_of_fold(linear, x, y, w, keep), y, group, source)


if __name__ == "__main__":
    main()
