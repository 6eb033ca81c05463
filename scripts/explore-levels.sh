#!/bin/sh
# States per BFS level of one `checker explore` run, for docs/PERFORMANCE.md.
# Usage: scripts/explore-levels.sh SCENARIO SECONDS [explore options...]
# Runs the Release CLI with --time-budget SECONDS and --json, then prints states, transitions,
# depth, complete, wall milliseconds and the new states found on each level (the JSON's "levels";
# the last one is partial when the budget stopped the run).
set -eu
scenario=$1
seconds=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
dir=$(dirname "$0")/..
dotnet "$dir/Checker/bin/Release/net10.0/checker.dll" explore "$scenario" --time-budget "$seconds" --json "$out" "$@" >/dev/null || true
python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"states {d['states']}  transitions {d['transitions']}  depth {d['depth']}  complete {str(d['complete']).lower()}  ms {d['stats']['milliseconds']}")
print("levels " + " ".join(str(n) for n in d.get('levels', [])))
PY
