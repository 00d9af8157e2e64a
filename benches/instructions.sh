#!/bin/sh
# Instructions per line of each stage, of `triage_with`, `triage()` and of
# `jieba_rs::Jieba::cut`, on the bench corpus: the stable second measure
# beside the ratios of `cargo bench --bench triage`, which move with the
# machine's load. Callgrind runs `examples/profile_triage.rs` with 3 rounds
# and with 1; the difference over 2 x 12,000 lines leaves out start-up.
#
#   sh benches/instructions.sh            # every mode, about 10 minutes
#   sh benches/instructions.sh cut with   # only these
set -eu
cd "$(dirname "$0")/.."
cargo build --release --example profile_triage >/dev/null 2>&1
bin=target/release/examples/profile_triage
modes=${*:-cut minimal upto_normalize upto_mask upto_scan upto_classify upto_policy with owned}
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" --bench-corpus 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ,
}
cut=""
for mode in $modes; do
    one=$(count 1 "$mode")
    three=$(count 3 "$mode")
    per=$(( (three - one) / 24000 ))
    [ "$mode" = cut ] && cut=$per
    if [ -n "$cut" ]; then
        echo "$mode $per" | awk -v c="$cut" '{printf "%-16s %8d instructions per line  %.2fx cut\n", $1, $2, $2 / c}'
    else
        printf '%-16s %8d instructions per line\n' "$mode" "$per"
    fi
done
