#!/usr/bin/env bash
# Speed-up of the distributed streamed SVD with 1, 2 and 3 worker processes on this machine, against
# the single-process streamed run in the same script (same file, block rows and seed: the factors
# must be bitwise identical, which is checked). Starts its own redis-server on 127.0.0.1.
# With RATINGS=FILE (e.g. MovieLens ratings.csv) also distributed ALS with 1 and 2 workers against
# the single-process `--method als` at rank ALS_RANK (default 20; wall seconds of each command; the
# model files must be identical). DENSE=0 skips the dense part.
#
#   [RATINGS=ratings.csv] [ALS_RANK=20] [DENSE=0] bash bench/cluster-speedup.sh [ROWS] [COLS] [RANK] [BLOCK_ROWS]
set -euo pipefail
ROWS=${1:-40000}
COLS=${2:-2000}
RANK=${3:-50}
BLOCK=${4:-2000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# One BLAS thread per process (default): the single process uses one core, N workers N cores.
export LOWRANK_THREADS=${LOWRANK_THREADS:-1}
# The same kernel tier in every process (bitwise identity needs it): fail rather than fall back.
export LOWRANK_BACKEND=${LOWRANK_BACKEND:-native}
CLI=(node --import tsx "$ROOT/src/cli/main.ts")
WORK=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
redis-server --port $PORT --bind 127.0.0.1 --save '' --appendonly no > "$WORK/redis.log" 2>&1 &
REDIS=$!
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; kill $REDIS 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
if [ "${DENSE:-1}" != 0 ]; then
python3 "$ROOT/bench/out_of_core_generate.py" "$WORK/a.npy" "$ROWS" "$COLS" > /dev/null
ARGS=(factor "$WORK/a.npy" --rank $RANK --block-rows $BLOCK --seed 1 --quiet --json)
"${CLI[@]}" "${ARGS[@]}" --out "$WORK/ref" > "$WORK/ref.json"
ms() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['totalMs'] / 1000)" "$1"; }
SINGLE=$(ms "$WORK/ref.json")
echo "matrix ${ROWS}×${COLS} float32, rank $RANK, $(nproc) cores; seconds: the factorization (totalMs), without node start-up"
printf '%-22s %8s %8s %s\n' run seconds speedup identical
printf '%-22s %8.2f %8s %s\n' "single process" "$SINGLE" "1.00" "-"
for n in 1 2 3; do
  while [ ${#PIDS[@]} -lt $n ]; do
    "${CLI[@]}" worker --redis redis://127.0.0.1:$PORT --data-root "$WORK" > "$WORK/w${#PIDS[@]}.log" 2>&1 &
    PIDS+=($!)
  done
  until [ "$(grep -l ready "$WORK"/w*.log 2>/dev/null | wc -l)" -ge $n ]; do sleep 0.2; done
  "${CLI[@]}" "${ARGS[@]}" --cluster redis://127.0.0.1:$PORT --out "$WORK/c$n" > "$WORK/c$n.json"
  T=$(ms "$WORK/c$n.json")
  SAME=yes
  for f in U V S; do cmp -s "$WORK/ref/$f.npy" "$WORK/c$n/$f.npy" || SAME=no; done
  printf '%-22s %8.2f %8.2f %s\n' "$n worker(s)" "$T" "$(echo "$SINGLE / $T" | bc -l)" "$SAME"
done
fi
[ -n "${RATINGS:-}" ] || exit 0
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
PIDS=()
rm -f "$WORK"/w*.log
mkdir -p "$WORK/als"
ALS=(factor "$RATINGS" --format ratings --method als --rank "${ALS_RANK:-20}" --sweeps 10 --seed 1 --quiet --force)
wall() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
echo
echo "distributed ALS on $RATINGS, rank ${ALS_RANK:-20}, 10 sweeps; seconds: wall time of the command (parsing and evaluation included)"
printf '%-22s %8s %8s %s\n' run seconds speedup identical
ASINGLE=$(wall "${CLI[@]}" "${ALS[@]}" --out "$WORK/als/ref")
printf '%-22s %8.2f %8s %s\n' "single process" "$ASINGLE" "1.00" "-"
for n in 1 2; do
  while [ ${#PIDS[@]} -lt $n ]; do
    "${CLI[@]}" worker --redis redis://127.0.0.1:$PORT --data-root "$WORK" > "$WORK/w${#PIDS[@]}.log" 2>&1 &
    PIDS+=($!)
  done
  until [ "$(grep -l ready "$WORK"/w*.log 2>/dev/null | wc -l)" -ge $n ]; do sleep 0.2; done
  T=$(wall "${CLI[@]}" "${ALS[@]}" --cluster redis://127.0.0.1:$PORT --data-root "$WORK/als" --out "$WORK/als/c$n")
  SAME=yes
  for f in U V user_bias item_bias; do cmp -s "$WORK/als/ref/$f.npy" "$WORK/als/c$n/$f.npy" || SAME=no; done
  printf '%-22s %8.2f %8.2f %s\n' "$n worker(s)" "$T" "$(echo "$ASINGLE / $T" | bc -l)" "$SAME"
done
