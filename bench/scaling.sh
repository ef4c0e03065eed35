#!/usr/bin/env bash
# Time and peak memory of `wom run` against population size: Barabási–Albert with
# attach = 5, building it plus 100 cascade replicates of a 100-advocate campaign,
# for N = 10^4 … 10^7. Prints a CSV (N, directed arcs, wall seconds, build, simulate,
# peak RSS MB), and with a second argument also writes it there and draws
# scaling.png / .svg beside it.
#
# Usage: bash bench/scaling.sh [THREADS] [FIGURE_DIR]
#   e.g. bash bench/scaling.sh 2 docs/figures/scaling
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
threads=${1:-2}
figures=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && cargo build --release -q)
csv="$work/scaling.csv"
echo "nodes,arcs,wall_seconds,build_seconds,simulate_seconds,peak_rss_mb" > "$csv"
for n in 10000 100000 1000000 10000000; do
  cat > "$work/ba.toml" <<TOML
[simulation]
replicates = 100
steps = 30
seed = 42
[population]
generator = "barabasi_albert"
nodes = $n
attach = 5
[word_of_mouth]
rule = "cascade"
reach = 0.3
conversion = 0.1
advocacy = 0.3
[advocates]
count = 100
TOML
  /usr/bin/time -f "%e %M" -o "$work/time" "$root/target/release/wom" run "$work/ba.toml" \
    --threads "$threads" --out "$work/out" --force --quiet > /dev/null
  read -r wall rss < "$work/time"
  python3 - "$work/out/ba/summary.json" "$n" "$wall" "$rss" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t = s["timing"]
print(f"{sys.argv[2]},{2 * s['ties']},{sys.argv[3]},{t['build_seconds']:.3f},{t['simulate_seconds']:.3f},{int(sys.argv[4]) / 1024:.0f}")
PY
done >> "$csv"
cat "$csv"
if [ -n "$figures" ]; then
  mkdir -p "$figures"
  cp "$csv" "$figures/scaling.csv"
  (cd "$root" && cargo run --release -q --example scaling_figure -- "$figures/scaling.csv" "$figures" "$threads")
fi
