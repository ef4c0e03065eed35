#!/usr/bin/env bash
# A fuzzing campaign over every target (docs/reliability.md): each target runs
# until RUNS executions (or MAX seconds), JOBS targets at a time, one process
# each, from its corpus (the committed seeds plus whatever earlier runs added).
# Prints one Markdown table row per target, in target order.
#
#   bash fuzz/campaign.sh [RUNS] [MAX] [JOBS]        (default 1000000 7200 2)
#
# Needs the targets built: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build).
# Set CARGO_TARGET_DIR if they were built into another target folder.
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-1000000}
max=${2:-7200}
jobs=${3:-2}
bin=${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-gnu/release
logs=$(mktemp -d)
targets="scenario set_value edge_list advocates fit_bass observations"
for t in $targets; do
  [ -x "$bin/$t" ] || { echo "no $bin/$t: build the targets first (cargo fuzz build)" >&2; exit 2; }
done
one() {
  local t=$1 dict=()
  case $t in scenario | set_value) dict=(-dict=dict/scenario.dict) ;; esac
  mkdir -p "artifacts/$t"
  ASAN_OPTIONS=detect_leaks=0 "$bin/$t" -artifact_prefix="artifacts/$t/" \
    -runs="$runs" -max_total_time="$max" -timeout=10 -print_final_stats=1 \
    "${dict[@]}" "corpus/$t" > "$logs/$t.log" 2>&1
  echo "$t: exit $?" >&2
}
export -f one
export bin runs max logs
printf '%s\n' $targets | xargs -P "$jobs" -I{} bash -c 'one {}' || true
echo "| target | runs | seconds | exec/s | cov start → end | ft end | corpus end | crashes | slow units |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for t in $targets; do
  python3 - "$t" "$logs/$t.log" "artifacts/$t" <<'PY'
import os, re, sys
t, log, art = sys.argv[1], open(sys.argv[2], errors="replace").read(), sys.argv[3]
def last(pattern, default="?"):
    found = re.findall(pattern, log)
    return found[-1] if found else default
inited = last(r"INITED cov: (\d+)")
cov, ft, corp = last(r"cov: (\d+)"), last(r"ft: (\d+)"), last(r"corp: (\d+)")
runs = last(r"stat::number_of_executed_units:\s+(\d+)")
secs = last(r"Done \d+ runs in (\d+) second")
rate = last(r"stat::average_exec_per_sec:\s+(\d+)")
# Failures: crash-, leak-, timeout- and oom- artifacts. A slow-unit- artifact (a
# unit slower than 10 s once) is listed apart: rerun it alone to see its time.
names = os.listdir(art) if os.path.isdir(art) else []
crashes = sum(1 for f in names if f.split("-")[0] in ("crash", "leak", "timeout", "oom"))
slow = sum(1 for f in names if f.startswith("slow-unit-"))
print(f"| `{t}` | {int(runs):,} | {secs} | {int(rate):,} | {int(inited):,} → {int(cov):,} | {int(ft):,} | {corp} | {crashes} | {slow} |"
      if runs != "?" and inited != "?" else f"| `{t}` | see {sys.argv[2]} | | | | | | {crashes} | {slow} |")
PY
done
echo "logs: $logs" >&2
