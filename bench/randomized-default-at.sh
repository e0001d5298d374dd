#!/bin/bash
# The randomized SVD's default today against its default at an older commit (issue 15: "time ≤ 0.8×
# today's default", today being the day the issue was filed: 1b0cfb4, the last commit before the
# adaptive stop, when the default ran a fixed 10 passes), on the four accuracy cases of
# bench/randomized_peers.py, native tier, one thread count on both sides.
#
#   bash bench/randomized-default-at.sh [COMMIT] [THREADS] [ROUNDS]      (defaults: 1b0cfb4 2 7)
#
# Checks COMMIT out in a temporary git worktree, builds its native addon there, then alternates
# processes (older, today's; ROUNDS rounds; each a warm-up and the median of 5 calls, from
# bench/randomized-one-call.ts) and prints per case the medians, the passes, error ÷ optimum − 1
# and the median of the paired time ratios. Needs git, OpenBLAS and Debian's /usr/bin/python3.
set -euo pipefail
COMMIT=${1:-1b0cfb4}; THREADS=${2:-2}; ROUNDS=${3:-7}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
cleanup() { git -C "$ROOT" worktree remove --force "$TMP/old" >/dev/null 2>&1 || true; rm -rf "$TMP"; }
trap cleanup EXIT
git -C "$ROOT" worktree add --detach "$TMP/old" "$COMMIT" >/dev/null 2>&1
ln -s "$ROOT/node_modules" "$TMP/old/node_modules"
(cd "$TMP/old" && node native/build.mjs >/dev/null)
/usr/bin/python3 "$ROOT/bench/randomized_peers.py" "$TMP/cases" 1 | tail -1 > "$TMP/cases.json"
cd "$ROOT"
node -e '
const { execFileSync } = require("node:child_process");
const [casesFile, old, now, threads, rounds, commit] = process.argv.slice(1);
const cases = JSON.parse(require("node:fs").readFileSync(casesFile, "utf8")).cases;
const run = (tree, c) => JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "bench/randomized-one-call.ts", tree, c.file, String(c.k), threads, "5", String(c.optimum)], { encoding: "utf8" }).trim().split("\n").pop());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`# randomized SVD default: commit ${commit} vs today, native tier, ${threads} threads, ${rounds} alternating rounds; load ${require("node:os").loadavg()[0].toFixed(2)}`);
console.log(["case", "then ms", "passes", "err/opt-1", "today ms", "passes", "err/opt-1", "ratio (paired median)", "goal <= 0.8"].join(" | "));
for (const c of cases) {
  const then = [], today = [];
  for (let r = 0; r < Number(rounds); r++) { then.push(run(old, c)); today.push(run(now, c)); }
  const ratio = median(today.map((t, i) => t.ms / then[i].ms));
  const f = (x) => (x.errRatio - 1).toExponential(2);
  console.log([`(${c.name}) ${c.title}`, median(then.map((x) => x.ms)).toFixed(1), then[0].passes ?? "fixed", f(then[0]), median(today.map((x) => x.ms)).toFixed(1), today[0].passes, f(today[0]), ratio.toFixed(2), ratio <= 0.8 ? "met" : "MISSED"].join(" | "));
}
console.log(`# load at the end ${require("node:os").loadavg()[0].toFixed(2)}`);
' "$TMP/cases.json" "$TMP/old" "$ROOT" "$THREADS" "$ROUNDS" "$COMMIT"
