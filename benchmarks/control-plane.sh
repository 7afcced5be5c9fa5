#!/usr/bin/env bash
# Control-plane benchmark (not a test): idle RSS of `railyard server`, its RSS with SERVICES
# services deployed and routed (each a small Python app with a generated domain, measured after
# the server has given back the code pages the deploys ran), and the latency of an
# authenticated project list with 1,000 projects in the store, over loopback with wrk.
# Usage: benchmarks/control-plane.sh [--duration 20s] [--connections "4 16 64"] [--services 25]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=20s
connections="4 16 64"
services=25
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --services) services=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

scratch=.build-release
swift build -c release --scratch-path "$scratch" --product railyard >/dev/null
binary=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/railyard
work=$(mktemp -d /tmp/railyard-bench.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
edge_port=$(free_port)
RAILYARD_ADMIN_EMAIL=bench@example.com RAILYARD_ADMIN_PASSWORD=bench-password \
  "$binary" server --api-listen "127.0.0.1:$port" --http-listen "127.0.0.1:$edge_port" --data "$work/data" --log-level warning >"$work/server.log" 2>&1 &
pid=$!
# The server stops its apps and their networks on SIGTERM: waited for before its folder goes.
trap 'kill $pid 2>/dev/null; while kill -0 $pid 2>/dev/null; do sleep 0.1; done; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }
# RSS with its parts: anonymous (the server's own memory) and file-backed (mapped pages of the
# binary and its libraries).
rss_parts() { awk '/VmRSS/ {t=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "%.1f MB (anonymous %.1f, file-backed %.1f)", t/1024, a/1024, f/1024}' "/proc/$pid/status"; }

sleep 1
started_rss=$(rss_parts)
# The server gives back the code pages it mapped while starting 5 s after its start.
sleep 9
idle_rss=$(rss_parts)

token=$(curl -fsS -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"bench@example.com","password":"bench-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')

# SERVICES small apps, each deployed with the CLI and given a domain, and each domain asked once
# through the edge (so that every route has been used). The server gives back the code pages
# the deploys ran a minute later (`ResidentCodeTrimService`): the figure is taken after that.
routed_rss="(not measured)"
if [ "$services" -gt 0 ]; then
  app="$work/app"
  mkdir -p "$app" "$work/cli"
  cat > "$app/main.py" <<'PY'
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *args): pass
HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
PY
  echo "web: python3 main.py" > "$app/Procfile"
  (
    cd "$work/cli"
    export XDG_CONFIG_HOME="$work/config" RAILYARD_SERVER="$base"
    "$binary" login --email bench@example.com --password bench-password >/dev/null
    "$binary" init --name routed >/dev/null
    for index in $(seq "$services"); do
      "$binary" service create "app$index" >/dev/null
      "$binary" up "$app" --service "app$index" --json >/dev/null
      host=$("$binary" domain --service "app$index" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["hostname"])')
      curl -fsS --noproxy '*' -H "Host: $host" "http://127.0.0.1:$edge_port/" >/dev/null
    done
  ) || { echo "the routed services did not deploy:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
  sleep 65
  routed_rss=$(rss_parts)
fi
python3 - "$base" "$token" <<'PY'
import json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
for i in range(1000):
    request = urllib.request.Request(base + "/api/v1/projects", method="POST",
        data=json.dumps({"name": f"project-{i:04d}"}).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
PY
api_token=$(curl -fsS "$base/api/v1/me" -H "Authorization: Bearer $token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["workspaces"][0]["workspace"]["id"])' \
  | xargs -I{} curl -fsS -X POST "$base/api/v1/workspaces/{}/tokens" -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' -d '{"name":"bench","role":"viewer"}' \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
seeded_rss=$(rss)

run() {  # $1 label, $2 bearer, $3 connections
  local out
  out=$(wrk -t2 -c"$3" -d"$duration" --latency -H "Authorization: Bearer $2" "$base/api/v1/projects?limit=50")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local errors
  errors=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$3" "$rps" "$p50" "$p99" "${errors:-0}"
}

echo "railyard $(git rev-parse --short HEAD), $(nproc) cores shared with wrk, wrk -t2 -d$duration, GET /api/v1/projects?limit=50 with 1,000 projects (SQLite, release build)"
echo
echo "| metric | value |"
echo "|---|---|"
echo "| RSS 1 s after start | ${started_rss} |"
echo "| idle RSS 10 s after start | ${idle_rss} |"
echo "| RSS with $services services deployed and routed, after the next trim | ${routed_rss} |"
echo "| RSS after seeding 1,000 projects | ${seeded_rss} MB |"
echo
echo "| auth | connections | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---|---|"
for c in $connections; do
  run "access token (JWT)" "$token" "$c"
  run "API token (ryt_)" "$api_token" "$c"
done
echo
echo "| RSS after load | $(rss_parts) |"
