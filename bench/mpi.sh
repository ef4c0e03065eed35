#!/usr/bin/env bash
# The MPI target (docs/cluster.md, docs/performance.md): a 9-point sweep of
# word_of_mouth.conversion from 0.2 to 0.6 on scenarios/micro-advocates.toml
# (Barabási–Albert, 10^5 consumers) made viral (advocacy = 1: every new customer
# recommends, so a replicate reaches thousands of consumers and costs milliseconds
# rather than the shipped campaign's tens of microseconds, which MPI's start-up
# would dwarf), with 400 replicates per point, on 1 rank of 1 thread against
# 2 ranks of 1 thread, REPEATS times each (alternating), with every rank's wall
# clock, CPU time (user + system) and peak memory from /usr/bin/time. Also checks
# that both write the same sweep.csv. Prints one CSV line per rank per run:
#   ranks,repeat,rank,wall_seconds,cpu_seconds,peak_rss_mb
# and the load average before and after (other work on the machine slows the
# wall clock; CPU time per rank is what the work itself cost).
#
# Usage: bash bench/mpi.sh [REPEATS]   (needs Open MPI: docs/cluster.md)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
repeats=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target=${CARGO_TARGET_DIR:-$root/target}/mpi
(cd "$root" && CARGO_TARGET_DIR=$target cargo build --release -q --features mpi --bin wom)
wom=$target/release/wom
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# Each rank writes its own timing file (rank from Open MPI's environment).
cat > "$work/timed.sh" <<'SH'
#!/usr/bin/env bash
exec /usr/bin/time -f "%e %U %S %M" -o "$TIMING.$OMPI_COMM_WORLD_RANK" "$@"
SH
chmod +x "$work/timed.sh"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "ranks,repeat,rank,wall_seconds,cpu_seconds,peak_rss_mb"
for repeat in $(seq 1 "$repeats"); do
  for ranks in 1 2; do
    export TIMING="$work/time-$ranks-$repeat"
    mpirun --oversubscribe -n "$ranks" "$work/timed.sh" "$wom" sweep \
      "$root/scenarios/micro-advocates.toml" \
      --vary word_of_mouth.conversion=0.2..0.6:9 --set word_of_mouth.advocacy=1.0 \
      --replicates 400 --threads 1 \
      --out "$work/out-$ranks" --force --quiet > /dev/null
    for rank in $(seq 0 $((ranks - 1))); do
      read -r wall user sys rss < "$TIMING.$rank"
      echo "$ranks,$repeat,$rank,$wall,$(echo "$user + $sys" | bc),$((rss / 1024))"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cmp "$work/out-1/sweep-micro-advocates/sweep.csv" "$work/out-2/sweep-micro-advocates/sweep.csv"
echo "sweep.csv identical on 1 and 2 ranks" >&2
