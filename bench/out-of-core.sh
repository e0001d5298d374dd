#!/usr/bin/env bash
# Out-of-core benchmark: factor a large float32 .npy (default 200000×10000, 8 GB, rank-100 signal
# plus noise, written by bench/out_of_core_generate.py) at k = 50 with --memory 2GiB; peak RSS by
# /usr/bin/time -v; time per pass against `cat FILE > /dev/null` in the same run; the error of the
# streamed run against lowrank's in-memory randomized SVD on a slice that fits (the first SLICE rows).
#
#   bash bench/out-of-core.sh [FILE] [ROWS] [COLS] [SLICE]
#
# OpenBLAS may pick slow Prescott kernels in a VM that hides its CPU model: set OPENBLAS_CORETYPE (e.g.
# SkylakeX on AVX-512 machines) to compare; `lowrank info` names the kernels in use.
# The file is created when missing and left in place (delete it afterwards: it is large).
set -euo pipefail
FILE=${1:-/tmp/lowrank-ooc.npy}
ROWS=${2:-200000}
COLS=${3:-10000}
SLICE=${4:-20000}
K=50
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=(node --import tsx "$ROOT/src/cli/main.ts")
[ -f "$ROOT/dist/cli/main.js" ] && [ "${LOWRANK_BENCH_FROM_SOURCE:-0}" != 1 ] && CLI=(node "$ROOT/dist/cli/main.js")
[ -f "$FILE" ] || python3 "$ROOT/bench/out_of_core_generate.py" "$FILE" "$ROWS" "$COLS"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "kernels: $("${CLI[@]}" info | grep -o "native (.*kernels)")"
echo "file: $FILE ($(du -h "$FILE" | cut -f1)), memory: $(free -g | awk '/Mem:/{print $2}') GiB total, $(nproc) cores"
t0=$(date +%s.%N); cat "$FILE" > /dev/null; t1=$(date +%s.%N)
CAT=$(echo "$t1 - $t0" | bc)
echo "cat FILE > /dev/null: ${CAT} s"
/usr/bin/time -v "${CLI[@]}" factor "$FILE" --rank $K --memory 2GiB --json --out "$WORK/big" > "$WORK/big.json" 2> "$WORK/big.time"
RSS=$(awk -F: '/Maximum resident set size/{gsub(/ /,"",$2); print $2}' "$WORK/big.time")
python3 - "$WORK/big.json" "$RSS" "$CAT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); rss_kb = int(sys.argv[2]); cat = float(sys.argv[3])
per_pass = r['totalMs'] / 1000 / r['passes']
print(f"streamed SVD k={r['rank']}: {r['passes']} passes in {r['blocks']} blocks of {r['blockRows']} rows, {r['totalMs']/1000:.1f} s total, {per_pass:.1f} s per pass = {per_pass / cat:.2f}× cat")
print(f"peak RSS {rss_kb / 1024**2:.2f} GiB; relative error {r['relativeError']:.6e}")
PY
# The slice: the first SLICE rows as their own .npy, streamed and in memory.
python3 - "$FILE" "$WORK/slice.npy" "$SLICE" <<'PY'
import sys, numpy as np
a = np.load(sys.argv[1], mmap_mode='r'); np.save(sys.argv[2], np.ascontiguousarray(a[: int(sys.argv[3])]))
PY
"${CLI[@]}" factor "$WORK/slice.npy" --rank $K --memory 2GiB --json --out "$WORK/s1" > "$WORK/s1.json" 2>/dev/null
"${CLI[@]}" factor "$WORK/slice.npy" --rank $K --method randomized --power-iters 6 --json --out "$WORK/s2" > "$WORK/s2.json" 2>/dev/null
python3 - "$WORK/s1.json" "$WORK/s2.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
ea = a['frobeniusError']; eb = b['frobenius']
print(f"slice {a['shape'][0]}×{a['shape'][1]}: streamed error {ea:.9e}, in-memory randomized error {eb!r}")
if isinstance(eb, (int, float)): print(f"relative difference {abs(ea - eb) / eb:.3e} (goal ≤ 1e-6)")
PY
