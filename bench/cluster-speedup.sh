#!/usr/bin/env bash
# Speed-up of the distributed streamed SVD with 1, 2 and 3 worker processes on this machine, against
# the single-process streamed run in the same script (same file, block rows and seed: the factors
# must be bitwise identical, which is checked). Starts its own redis-server on 127.0.0.1.
#
#   bash bench/cluster-speedup.sh [ROWS] [COLS] [RANK]
set -euo pipefail
ROWS=${1:-40000}
COLS=${2:-2000}
RANK=${3:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=(node --import tsx "$ROOT/src/cli/main.ts")
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no > "$WORK/redis.log" 2>&1 &
REDIS=$!
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; kill $REDIS 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
python3 "$ROOT/bench/out_of_core_generate.py" "$WORK/a.npy" "$ROWS" "$COLS" > /dev/null
ARGS=(factor "$WORK/a.npy" --rank $RANK --block-rows 2000 --seed 1 --quiet --json)
now() { date +%s.%N; }
t0=$(now); "${CLI[@]}" "${ARGS[@]}" --out "$WORK/ref" > "$WORK/ref.json"; t1=$(now)
SINGLE=$(echo "$t1 - $t0" | bc)
echo "matrix ${ROWS}×${COLS} float32, rank $RANK, $(nproc) cores; wall times include node start-up"
printf '%-22s %8s %8s %s\n' run seconds speedup identical
printf '%-22s %8.2f %8s %s\n' "single process" "$SINGLE" "1.00" "-"
for n in 1 2 3; do
  while [ ${#PIDS[@]} -lt $n ]; do
    "${CLI[@]}" worker --redis redis://127.0.0.1:$PORT --data-root "$WORK" > "$WORK/w${#PIDS[@]}.log" 2>&1 &
    PIDS+=($!)
  done
  until [ "$(grep -l ready "$WORK"/w*.log 2>/dev/null | wc -l)" -ge $n ]; do sleep 0.2; done
  t0=$(now); "${CLI[@]}" "${ARGS[@]}" --cluster redis://127.0.0.1:$PORT --out "$WORK/c$n" > "$WORK/c$n.json"; t1=$(now)
  T=$(echo "$t1 - $t0" | bc)
  SAME=yes
  for f in U V S; do cmp -s "$WORK/ref/$f.npy" "$WORK/c$n/$f.npy" || SAME=no; done
  printf '%-22s %8.2f %8.2f %s\n' "$n worker(s)" "$T" "$(echo "$SINGLE / $T" | bc -l)" "$SAME"
done
