#!/usr/bin/env bash
# wom against its peers on the same graphs, seeds and edge probability p (the IC
# reduction described in docs/model.md), printing per-replicate times, their ratios, and whether the
# mean final sizes agree.
#
# Usage: bash bench/peers.sh [R] [OUTDIR]        (R replicates, default 10000)
#   ROUNDS=K runs cynetdiff and wom in turn K times per graph (default 3) and
#     reports each round and the medians: the machine's speed drifts by 10-20%
#     over minutes, so one round's ratio moves with it, and taking turns exposes
#     both sides to the same drift.
#   ALL_PEERS=1 also runs pynetim, EoN and ndlib once (slow; ndlib with R/100).
#   VENV=DIR reuses a virtualenv (default OUTDIR/venv, created on first use).
# Graphs and seeds come from bench/peers/gen_graphs.py (networkx, seed 1); the peer
# scripts in bench/peers/ are copied beside it so this runs from a lone clone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers="$root/bench/peers"
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
  rm -f "$OUT/$g.rounds"
  for round in $(seq "${ROUNDS:-3}"); do
    "$py" "$peers/ic_cynetdiff.py" --edges "$edges" --seeds "$seeds" --p "$p" --R "$R" \
      --json "$OUT/$g.cynetdiff.json" > "$OUT/$g.cynetdiff.log"
    for t in 1 2; do
      "$wom" run "$OUT/$g.toml" --threads "$t" --out "$OUT/wom-threads-$t" --force --quiet > /dev/null
    done
    "$py" - "$OUT" "$g" "$R" >> "$OUT/$g.rounds" <<'PY'
import json, sys
out, g, R = sys.argv[1], sys.argv[2], int(sys.argv[3])
ms = lambda t: 1000 * json.load(open(f"{out}/wom-threads-{t}/{g}/summary.json"))["timing"]["simulate_seconds"] / R
print(json.load(open(f"{out}/{g}.cynetdiff.json"))["per_rep_ms"], ms(1), ms(2))
PY
  done
  "$py" - "$OUT" "$g" "$R" <<'PY'
import json, math, statistics, sys
out, g, R = sys.argv[1], sys.argv[2], int(sys.argv[3])
rounds = [tuple(map(float, line.split())) for line in open(f"{out}/{g}.rounds")]
for k, (mp, m1, m2) in enumerate(rounds, 1):
    print(f"{g} round {k}: cynetdiff {mp:.3f} ms/replicate, wom 1 thread {m1:.4f} ms "
          f"({m1 / mp:.2f}x cynetdiff's time), 2 threads {m2:.4f} ms (throughput {m1 / m2:.2f}x one thread)")
med = lambda i: statistics.median(r[i] for r in rounds)
ratio = statistics.median(r[1] / r[0] for r in rounds)
speedup = statistics.median(r[1] / r[2] for r in rounds)
print(f"{g} median of {len(rounds)} rounds: cynetdiff {med(0):.3f} ms, wom 1 thread {med(1):.4f} ms, "
      f"ratio {ratio:.2f}x, 2-thread throughput {speedup:.2f}x")
# Every round gives the same outputs on both sides (fixed seeds): the last one's.
peer = json.load(open(f"{out}/{g}.cynetdiff.json"))
fw = json.load(open(f"{out}/wom-threads-1/{g}/summary.json"))["final"]["adopters"]
fp = (peer["mean_final"], peer["se_final"])
se_w = fw["std"] / math.sqrt(R)
z = (fw["mean"] - fp[0]) / math.hypot(se_w, fp[1])
print(f"{g}: mean final size wom {fw['mean']:.1f} ± {se_w:.1f}, cynetdiff {fp[0]:.1f} ± {fp[1]:.1f}, z = {z:.2f}")
PY
done
