#!/usr/bin/env bash
# Wall time from the start of a deploy command to the first HTTP 200 from the new deployment,
# for the stdlib Python, the Node and the Flask (flask + gunicorn from PyPI) fixture apps, against a fresh server on its embedded
# defaults: a first deploy (`railyard up` to a new service), a redeploy of changed code (`up`
# again) and `railyard redeploy` (same source, rebuilt). Each figure also gives the platform's
# own share: the wall time minus the time the app's install and build commands took (from the
# build log's timestamps).
# The Flask app's redeploy of changed code is issue 15's figure: its dependencies are unchanged,
# so its virtualenv layer is reused and nothing is installed.
# Usage: benchmarks/deploy.sh [RUNS] [debug|release] [FIXTURES]
#   (default 5 runs, release build, "python-stdlib node-plain python-flask")
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
runs=${1:-5}
configuration=${2:-release}
fixtures=${3:-python-stdlib node-plain python-flask}
# shellcheck source=benchmarks/binary.sh
source "$root/benchmarks/binary.sh"
# shellcheck source=benchmarks/server.sh
source "$root/benchmarks/server.sh"

# Runs a deploy command (which prints the deployment as JSON), waits for HTTP 200 from its first
# replica, and prints "WALL_MS APP_BUILD_MS".
timed() {
  local start end id address
  start=$(date +%s%N)
  "$@" --json > "$work/deployment.json"
  address=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instances"][0]["address"])' "$work/deployment.json")
  until [ "$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' "http://$address/")" = 200 ]; do sleep 0.01; done
  end=$(date +%s%N)
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/deployment.json")
  "$bin" logs --deployment "$id" --build --json > "$work/build.json"
  python3 - "$work/build.json" $(( (end - start) / 1000000 )) <<'PY'
import json, sys
from datetime import datetime
lines = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
def at(line): return datetime.fromisoformat(line["time"].replace("Z", "+00:00")).timestamp()
# The app's own work: from its first command ("$ ...") to "build finished".
commands = [l for l in lines if l.get("stream") == "stdout" and l.get("message", "").startswith("$ ")]
finished = [l for l in lines if l.get("message") == "build finished"]
app_ms = int((at(finished[-1]) - at(commands[0])) * 1000) if commands and finished else 0
print(sys.argv[2], app_ms)
PY
}

report() {
  python3 - "$1" "$2" <<'PY'
import sys
pairs = [tuple(map(int, p.split(":"))) for p in sys.argv[2].split()]
walls = sorted(w for w, _ in pairs); shares = sorted(w - a for w, a in pairs); apps = sorted(a for _, a in pairs)
median = lambda xs: xs[len(xs) // 2]
print("%-34s wall median %5d ms (min %5d, max %5d) | app install+build median %5d ms | platform median %5d ms"
      % (sys.argv[1], median(walls), walls[0], walls[-1], median(apps), median(shares)))
PY
}

echo "railyard $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $configuration build, $runs runs each"
for fixture in $fixtures; do
  first=""; again=""; redeploy=""
  for run in $(seq "$runs"); do
    service="$fixture-$run"
    "$bin" service create "$service" >/dev/null
    copy="$work/src-$service"; cp -r "$root/Tests/Fixtures/apps/$fixture" "$copy"
    read -r wall app < <(timed "$bin" up "$copy" --service "$service"); first+="$wall:$app "
    code=$(ls "$copy" | grep -E '\.(py|js)$' | head -n1)
    case "$code" in *.py) echo "# changed $run" ;; *) echo "// changed $run" ;; esac >> "$copy/$code"
    read -r wall app < <(timed "$bin" up "$copy" --service "$service"); again+="$wall:$app "
    read -r wall app < <(timed "$bin" redeploy --service "$service"); redeploy+="$wall:$app "
  done
  report "$fixture: first deploy (up)" "$first"
  report "$fixture: redeploy of changed code (up)" "$again"
  report "$fixture: railyard redeploy" "$redeploy"
done
