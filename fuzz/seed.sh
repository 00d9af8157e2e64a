#!/usr/bin/env bash
# Fills fuzz/corpus/{triage,lexicon}/ (ignored by git) with seeds from the repository's data.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/triage fuzz/corpus/lexicon

# triage: one inquiry per file, after a selector byte (tier, industry, prior contacts).
sels=abcdefghijklmnopqrstuvwxyz
i=0
sed -n 's/.*"text": *"\([^"]*\)".*/\1/p' tests/data/issues/train.jsonl tests/data/issues/heldout.jsonl |
  sed -n '1,400p' |
  while IFS= read -r line; do
    i=$((i + 1))
    printf '%s%s' "${sels:$((i % 26)):1}" "$line" >"fuzz/corpus/triage/seed$i"
  done

# lexicon: selector byte k = index in Lexicon::ALL, then the head of that file; 9 = policy.
k=0
for f in taxonomy.tsv issue_cues.tsv sentiment.tsv escalation.tsv user_dict.txt \
  product_brands.txt issue_model.tsv sentiment_model.tsv emotion_model.tsv; do
  { printf "\\x0$k"; head -n 40 "lexicons/$f"; } >"fuzz/corpus/lexicon/seed-$f"
  k=$((k + 1))
done
{ printf '\x09'; cat lexicons/policy.json; } >fuzz/corpus/lexicon/seed-policy.json
echo "seeded $(ls fuzz/corpus/triage | wc -l) triage and $(ls fuzz/corpus/lexicon | wc -l) lexicon inputs"
