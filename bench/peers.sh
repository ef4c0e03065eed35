#!/usr/bin/env bash
# wom against its peers on the same graphs, seeds and edge probability p (the IC
# reduction of SPEC §2), printing per-replicate times, their ratios, and whether the
# mean final sizes agree.
#
# Usage: bash bench/peers.sh [R] [OUTDIR]        (R replicates, default 10000)
#   ALL_PEERS=1 also runs pynetim, EoN and ndlib (slow; ndlib with R/100).
#   VENV=DIR reuses a virtualenv (default OUTDIR/venv, created on first use).
# Graphs and seeds come from ../shared/peers/gen_graphs.py (networkx, seed 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers="$root/../shared/peers"
R=${1:-10000}
OUT=${2:-$root/target/peers}
VENV=${VENV:-$OUT/venv}
mkdir -p "$OUT/graphs"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q networkx numpy scipy cynetdiff EoN ndlib six
  if [ "${ALL_PEERS:-0}" = 1 ]; then "$VENV/bin/pip" install -q pynetim; fi
fi
py="$VENV/bin/python"
[ -f "$OUT/graphs/ba_100k_m5.edges" ] || "$py" "$peers/gen_graphs.py" "$OUT/graphs"
(cd "$root" && cargo build --release -q)
wom="$root/target/release/wom"

for spec in "ba_100k_m5 0.05" "er_100k_k10 0.2"; do
  set -- $spec
  g=$1 p=$2
  edges="$OUT/graphs/$g.edges" seeds="$OUT/graphs/$g.seeds"
  "$py" "$peers/ic_cynetdiff.py" --edges "$edges" --seeds "$seeds" --p "$p" --R "$R" \
    --json "$OUT/$g.cynetdiff.json" > "$OUT/$g.cynetdiff.log"
  if [ "${ALL_PEERS:-0}" = 1 ]; then
    for s in pynetim eon; do
      "$py" "$peers/ic_$s.py" --edges "$edges" --seeds "$seeds" --p "$p" --R "$R" \
        --json "$OUT/$g.$s.json" > "$OUT/$g.$s.log" || true
    done
    "$py" "$peers/ic_ndlib.py" --edges "$edges" --seeds "$seeds" --p "$p" --R $((R / 100)) \
      --json "$OUT/$g.ndlib.json" > "$OUT/$g.ndlib.log" || true
  fi
  # The IC reduction: reach = trust = 1 (exposure), advocacy = 1, one active step,
  # conversion = p, the seeds as recruited advocates at step 0.
  cat > "$OUT/$g.toml" <<TOML
name = "IC on $g, p = $p"
[simulation]
replicates = $R
steps = 200
seed = 12345
[population]
generator = "edge_list"
path = "graphs/$g.edges"
[word_of_mouth]
rule = "cascade"
reach = 1.0
trust = 1.0
trust_mode = "exposure"
conversion = $p
advocacy = 1.0
active_steps = 1
[advocates]
choose = "file"
path = "graphs/$g.seeds"
TOML
  for t in 1 2; do
    "$wom" run "$OUT/$g.toml" --threads "$t" --out "$OUT/wom-threads-$t" --force --quiet > /dev/null
  done
  "$py" - "$OUT" "$g" "$R" <<'PY'
import json, math, sys
out, g, R = sys.argv[1], sys.argv[2], int(sys.argv[3])
peer = json.load(open(f"{out}/{g}.cynetdiff.json"))
w1 = json.load(open(f"{out}/wom-threads-1/{g}/summary.json"))
w2 = json.load(open(f"{out}/wom-threads-2/{g}/summary.json"))
ms = lambda s: 1000 * s["timing"]["simulate_seconds"] / R
m1, m2, mp = ms(w1), ms(w2), peer["per_rep_ms"]
fw, fp = w1["final"]["adopters"], (peer["mean_final"], peer["se_final"])
se_w = fw["std"] / math.sqrt(R)
z = (fw["mean"] - fp[0]) / math.hypot(se_w, fp[1])
print(f"{g}: cynetdiff {mp:.3f} ms/replicate, wom 1 thread {m1:.3f} ms ({m1 / mp:.2f}x cynetdiff's time), "
      f"2 threads {m2:.3f} ms (throughput {m1 / m2:.2f}x one thread)")
print(f"{g}: mean final size wom {fw['mean']:.1f} ± {se_w:.1f}, cynetdiff {fp[0]:.1f} ± {fp[1]:.1f}, z = {z:.2f}")
PY
done
