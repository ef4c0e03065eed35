#!/usr/bin/env bash
# Coverage of `wom fit` (docs/calibration.md): simulate data sets with wom at known
# conversion and advocacy (seeds 1001, 1002, ... : never the fit's own seed or
# streams), fit each with the default settings, and count how often the 95%
# intervals cover the truth and how wide they are against the prior's range.
#
#   bench/fit-coverage.sh [DATASETS] [SCENARIO] [CONVERSION] [ADVOCACY] [-- FIT OPTIONS]
#
# Defaults: 20 data sets of scenarios/calibrate-pilot.toml with conversion 0.1 and
# advocacy 0.5. FIRST=k starts at data set k (to split the work between two
# shells: FIRST=11 bench/fit-coverage.sh 10). Needs python3 (standard library
# only); builds wom in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20}
scenario=${2:-scenarios/calibrate-pilot.toml}
conversion=${3:-0.1}
advocacy=${4:-0.5}
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift
cargo build --release --quiet
wom=${CARGO_TARGET_DIR:-target}/release/wom
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
first=${FIRST:-1}
for i in $(seq "$first" $((first + n - 1))); do
  seed=$((1000 + i))
  "$wom" run "$scenario" --set word_of_mouth.conversion="$conversion" \
    --set word_of_mouth.advocacy="$advocacy" --replicates 1 --seed "$seed" \
    --out "$work/data-$i" --quiet >/dev/null
  python3 - "$work/data-$i"/*/curves.csv "$work/data-$i.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w") as out:
    out.write("step,new_conversions\n")
    for r in rows:
        out.write("%s,%d\n" % (r["step"], round(float(r["new_conversions_mean"]))))
PY
  start=$(date +%s.%N)
  "$wom" fit "$scenario" "$work/data-$i.csv" \
    --params word_of_mouth.conversion,word_of_mouth.advocacy \
    --out "$work/fit-$i" --quiet "$@"
  end=$(date +%s.%N)
  python3 - "$work/fit-$i"/*/fit.json "$i" "$conversion" "$advocacy" "$start" "$end" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
i, truth = sys.argv[2], {"word_of_mouth.conversion": float(sys.argv[3]),
                          "word_of_mouth.advocacy": float(sys.argv[4])}
cells = []
for key, t in truth.items():
    p = j["params"][key]
    covered = p["ci95_low"] <= t <= p["ci95_high"]
    cells.append("%s %.4f (%.4f to %.4f) %s width %.2f of prior" % (
        key.split(".")[1], p["estimate"], p["ci95_low"], p["ci95_high"],
        "covers" if covered else "MISSES", p["width_share_of_prior"]))
print("data set %s: %s; %d simulations, %.0f s" % (
    i, "; ".join(cells), j["simulations"], float(sys.argv[6]) - float(sys.argv[5])))
PY
done | tee "$work/log"
python3 - "$work/log" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
for key in ("conversion", "advocacy"):
    hits = [re.search(key + r" \S+ \(\S+ to \S+\) (covers|MISSES) width (\S+)", l) for l in lines]
    covered = sum(h.group(1) == "covers" for h in hits)
    widths = sorted(float(h.group(2)) for h in hits)
    narrow = sum(w < 0.6 for w in widths)
    print("%s: covered %d of %d; interval width / prior range: median %.2f, max %.2f, "
          "below 0.6 in %d of %d" % (key, covered, len(hits), widths[len(widths) // 2],
                                     widths[-1], narrow, len(hits)))
PY
