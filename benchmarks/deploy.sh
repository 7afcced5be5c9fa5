#!/usr/bin/env bash
# Time from `railyard up` to an HTTP 200 from the new deployment, for the stdlib Python and the
# Node fixture apps, N runs each, against a fresh server on its embedded defaults.
# Usage: benchmarks/deploy.sh [RUNS]   (uses the binary `swift build` made; build first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=$(swift build --show-bin-path)/railyard
work=$(mktemp -d /tmp/railyard-bench-deploy.XXXXXX)
chmod 711 "$work"  # sandboxed apps run as an unprivileged user that must reach the data folder
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RAILYARD_ADMIN_EMAIL=bench@example.com RAILYARD_ADMIN_PASSWORD=bench-password \
  "$bin" server --data "$work/data" --api-listen "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" RAILYARD_SERVER="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf --noproxy '*' "$RAILYARD_SERVER/healthz" >/dev/null && break; sleep 0.1; done
"$bin" login --email bench@example.com --password bench-password >/dev/null
mkdir -p "$work/cli" && cd "$work/cli" && "$bin" init --name bench >/dev/null
for fixture in python-stdlib node-plain; do
  "$bin" service create "$fixture" >/dev/null
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin" up "$OLDPWD/Tests/Fixtures/apps/$fixture" --service "$fixture" --json > "$work/up.json"
    address=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instances"][0]["address"])' "$work/up.json")
    curl -s --noproxy "*" -o /dev/null -w "%{http_code}" "http://$address/" | grep -q 200 || { echo "no HTTP 200 from $address" >&2; exit 1; }
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
  echo "$fixture: up → HTTP 200 in ms over $runs runs (sorted): $sorted"
done
