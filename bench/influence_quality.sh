#!/usr/bin/env bash
# Quality of `choose = "influence"` on ego-Facebook (data/facebook_combined.txt.gz):
# 50 advocates under the independent cascade with p = 0.01 and 0.02 (reach 1, trust
# 1 per exposure, conversion p, advocacy 1, one active step: docs/model.md), chosen
# at random, by top degree, spread out, by IMM, and (when OUT/celf-P.txt exists, made
# by bench/peers/celf_cynetdiff.py) by a CELF greedy on cynetdiff's Monte-Carlo
# estimates. Every choice is evaluated by wom itself, paired (same seed).
#
# Usage: bash bench/influence_quality.sh [REPLICATES] [OUT]   (default 4000, target/quality)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
R=${1:-4000}
OUT=${2:-$root/target/quality}
mkdir -p "$OUT"
wom=${WOM:-$root/target/release/wom}
graph="$root/data/facebook_combined.txt.gz"
for p in 0.01 0.02; do
  files=()
  for choose in random top_degree spread influence celf; do
    if [ "$choose" = celf ]; then
      [ -f "$OUT/celf-$p.txt" ] || continue
      pick="choose = \"file\"
path = \"$OUT/celf-$p.txt\""
    else
      pick="choose = \"$choose\"
count = 50"
    fi
    f="$OUT/ic$p-$choose.toml"
    cat > "$f" <<TOML
name = "IC p=$p, 50 advocates: $choose"
[simulation]
replicates = $R
steps = 100
seed = 42
[population]
generator = "edge_list"
path = "$graph"
[word_of_mouth]
rule = "cascade"
reach = 1.0
trust = 1.0
trust_mode = "exposure"
conversion = $p
advocacy = 1.0
active_steps = 1
[advocates]
$pick
posts = [0]
TOML
    files+=("$f")
  done
  "$wom" compare "${files[@]}" --out "$OUT" --force --quiet
done
