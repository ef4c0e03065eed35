#!/usr/bin/env bash
# The performance targets of wom sweep and wom sensitivity (docs/performance.md):
#  1. a 10-point sweep of advocates.count on a Barabási–Albert network of 10^6
#     consumers against 10 separate `wom run`s of the same points: wall seconds of
#     each, and the sum of the points' simulation times (summary.json timing);
#  2. wom sensitivity with 512 samples x 4 keys x 20 replicates on a ring of 10^6
#     consumers.
# Usage: bash bench/decisions.sh [REPLICATES]   (default 100 replicates per point)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && cargo build --release -q)
wom="$root/target/release/wom"
now() { date +%s.%N; }

# 1. sweep against separate runs
cat > "$work/ba.toml" <<TOML
name = "ba-advocates"
[simulation]
replicates = $reps
steps = 30
seed = 42
[population]
generator = "barabasi_albert"
nodes = 1_000_000
attach = 5
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
trust_mode = "consumer"
conversion = 0.1
advocacy = 0.3
[advocates]
count = 100
choose = "random"
incentive = 50.0
TOML
counts=$(seq -s, 100 100 1000)
t0=$(now)
sim_sum=0
for c in ${counts//,/ }; do
  "$wom" run "$work/ba.toml" --set "advocates.count=$c" --out "$work/runs/$c" -q --force > /dev/null
  s=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timing']['simulate_seconds'])" "$work/runs/$c/ba/summary.json")
  sim_sum=$(python3 -c "print($sim_sum + $s)")
done
t1=$(now)
"$wom" sweep "$work/ba.toml" --vary "advocates.count=$counts" --out "$work/sweep" -q --force > /dev/null
t2=$(now)
python3 - "$t0" "$t1" "$t2" "$sim_sum" <<PY
import sys
t0, t1, t2, sim = map(float, sys.argv[1:])
runs, sweep = t1 - t0, t2 - t1
print(f"10 separate runs: {runs:.1f} s; sweep of the same 10 points: {sweep:.1f} s; "
      f"speed-up {runs / sweep:.2f}x (target >= 2)")
print(f"sum of the points' simulation times: {sim:.1f} s; sweep / sum = {sweep / sim:.2f} "
      f"(target <= 1.2)")
PY

# 2. sensitivity on a ring of 10^6 consumers, 4 uncertain keys
cat > "$work/ring.toml" <<TOML
name = "ring-advocates"
[simulation]
replicates = 20
steps = 30
seed = 42
[population]
generator = "watts_strogatz"
nodes = 1_000_000
neighbors = 2
rewire = 0.0
[word_of_mouth]
rule = "cascade"
reach = 0.3
trust = 0.92
trust_mode = "consumer"
conversion = 0.1
advocacy = 0.3
[advocates]
count = 500
choose = "random"
incentive = 50.0
[uncertain]
"word_of_mouth.reach" = { low = 0.15, high = 0.45 }
"word_of_mouth.conversion" = { dist = "beta", a = 4.0, b = 36.0 }
"word_of_mouth.advocacy" = { low = 0.1, high = 0.5 }
"word_of_mouth.trust" = { low = 0.8, high = 1.0 }
TOML
t3=$(now)
"$wom" sensitivity "$work/ring.toml" --samples 512 --out "$work/sens" -q --force > /dev/null
t4=$(now)
python3 -c "print(f'sensitivity, 512 samples x 4 keys x 20 replicates on a ring of 10^6: {$t4 - $t3:.1f} s (target < 120)')"
