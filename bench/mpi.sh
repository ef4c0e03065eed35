#!/usr/bin/env bash
# The MPI targets (docs/cluster.md, docs/performance.md): one command on 1 rank of
# 1 thread against 2 ranks of 1 thread, REPEATS times each (alternating), with
# every rank's wall clock, CPU time (user + system) and peak memory from
# /usr/bin/time. Also checks that both write the same files. WHAT is
#
# - sweep (the default): a 9-point sweep of word_of_mouth.conversion from 0.2 to
#   0.6 on scenarios/micro-advocates.toml (Barabási–Albert, 10^5 consumers) made
#   viral (advocacy = 1: every new customer recommends, so a replicate reaches
#   thousands of consumers and costs milliseconds rather than the shipped
#   campaign's tens of microseconds, which MPI's start-up would dwarf), with 400
#   replicates per point; compares sweep.csv;
# - optimize: `wom optimize bench/optimize-menu.toml --budget 20000` (10 creators
#   and 2 programmes on BA 10^6) with 60 replicates per mix; compares plan.toml
#   and frontier.csv;
# - fit: the default fit of scenarios/calibrate-pilot.toml to
#   data/pilot-sales.csv (word_of_mouth.conversion and advocacy, 400 particles of
#   4 simulations, up to 10 generations); compares fit.json and posterior.csv.
#
# Prints one CSV line per rank per run:
#   what,ranks,repeat,rank,wall_seconds,cpu_seconds,peak_rss_mb
# and the load average before and after (other work on the machine slows the
# wall clock; CPU time per rank is what the work itself cost).
#
# Usage: bash bench/mpi.sh [REPEATS] [sweep|optimize|fit]   (needs Open MPI: docs/cluster.md;
# WOM_MPI_BIN=path uses that binary, built with --features mpi, instead of building one)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repeats=${1:-3}
what=${2:-sweep}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [[ -n ${WOM_MPI_BIN:-} ]]; then
  wom=$WOM_MPI_BIN   # a binary built with --features mpi beforehand (as tests/mpi.rs)
else
  target=${CARGO_TARGET_DIR:-$root/target}/mpi
  (cd "$root" && CARGO_TARGET_DIR=$target cargo build --release -q --features mpi --bin wom)
  wom=$target/release/wom
fi
case $what in
  sweep)
    args=(sweep "$root/scenarios/micro-advocates.toml"
      --vary word_of_mouth.conversion=0.2..0.6:9 --set word_of_mouth.advocacy=1.0
      --replicates 400)
    compared=(sweep-micro-advocates/sweep.csv) ;;
  optimize)
    args=(optimize "$root/bench/optimize-menu.toml" --budget 20000 --replicates 60)
    compared=(optimize-optimize-menu/plan.toml optimize-optimize-menu/frontier.csv) ;;
  fit)
    args=(fit "$root/scenarios/calibrate-pilot.toml" "$root/data/pilot-sales.csv"
      --params word_of_mouth.conversion,word_of_mouth.advocacy)
    compared=(fit-calibrate-pilot/fit.json fit-calibrate-pilot/posterior.csv) ;;
  *) echo "WHAT is sweep, optimize or fit, not $what" >&2; exit 2 ;;
esac
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# Each rank writes its own timing file (rank from Open MPI's environment).
cat > "$work/timed.sh" <<'SH'
#!/usr/bin/env bash
exec /usr/bin/time -f "%e %U %S %M" -o "$TIMING.$OMPI_COMM_WORLD_RANK" "$@"
SH
chmod +x "$work/timed.sh"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "what,ranks,repeat,rank,wall_seconds,cpu_seconds,peak_rss_mb"
for repeat in $(seq 1 "$repeats"); do
  for ranks in 1 2; do
    export TIMING="$work/time-$ranks-$repeat"
    mpirun --oversubscribe -n "$ranks" "$work/timed.sh" "$wom" "${args[@]}" \
      --threads 1 --out "$work/out-$ranks" --force --quiet > /dev/null
    for rank in $(seq 0 $((ranks - 1))); do
      read -r wall user sys rss < "$TIMING.$rank"
      echo "$what,$ranks,$repeat,$rank,$wall,$(echo "$user + $sys" | bc),$((rss / 1024))"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for f in "${compared[@]}"; do
  cmp "$work/out-1/$f" "$work/out-2/$f"
done
echo "${compared[*]} identical on 1 and 2 ranks" >&2
