#!/usr/bin/env bash
# Recovery after kill -9: APPS apps (default 25, the stdlib Python fixture, one service and
# generated domain each) run on a fresh `railyard server` on its embedded defaults; the server
# is killed with SIGKILL and started again, and every app is polled through the edge (its own
# Host header) until it answers 200. Reports the time from the restart's launch until the API
# answers, until the first and the last app answer (and the median), and how many app
# processes run afterwards (exactly APPS: no leftover kept beside its replacement).
# Usage: benchmarks/recovery.sh [APPS] [debug|release]   (default 25 apps, release build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
apps=${1:-25}
configuration=${2:-release}
# shellcheck source=benchmarks/binary.sh
source "$root/benchmarks/binary.sh"

work=$(mktemp -d /tmp/railyard-recovery.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api=$(free_port); http=$(free_port); https=$(free_port)
start_server() {
  RAILYARD_ADMIN_EMAIL=bench@example.com RAILYARD_ADMIN_PASSWORD=bench-password \
    "$bin" server --data "$work/data" --api-listen "127.0.0.1:$api" --http-listen "127.0.0.1:$http" \
    --https-listen "127.0.0.1:$https" >> "$work/server.log" 2>&1 &
  server=$!
}
start_server
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" RAILYARD_SERVER="http://127.0.0.1:$api"
for _ in $(seq 100); do curl -sf --noproxy '*' "$RAILYARD_SERVER/healthz" >/dev/null && break; sleep 0.1; done
"$bin" login --email bench@example.com --password bench-password >/dev/null
# A project name of this run's own: its app processes are told from any others by it.
project="bench$$"
mkdir -p "$work/cli" && cd "$work/cli" && "$bin" init --name "$project" >/dev/null

hosts=()
for i in $(seq "$apps"); do
  "$bin" service create "app$i" >/dev/null
  "$bin" domain --service "app$i" >/dev/null
  "$bin" up "$root/Tests/Fixtures/apps/python-stdlib" --service "app$i" >/dev/null
  hosts+=("app$i-$project.localhost")
done
count_apps() {
  local n=0 pid
  for pid in $(pgrep -x python3 || true); do
    tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "RAILWAY_PROJECT_NAME=$project" && n=$((n + 1))
  done
  echo "$n"
}
echo "railyard $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $configuration build, $apps apps deployed; app processes: $(count_apps)"

kill -9 "$server"; wait "$server" 2>/dev/null || true
start_server
python3 - "$http" "$api" "${hosts[@]}" <<'PY'
import sys, time, threading, http.client
started = time.monotonic()
edge, api, hosts = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
answered = {}
def get(port, host, path="/"):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        c.request("GET", path, headers={"Host": host}); status = c.getresponse().status; c.close()
        return status
    except Exception:
        return None
def poll(host):
    while time.monotonic() - started < 120:
        if get(edge, host) == 200:
            answered[host] = time.monotonic() - started; return
        time.sleep(0.02)
def poll_api():
    while time.monotonic() - started < 120:
        if get(api, "127.0.0.1", "/healthz") == 200:
            answered["api"] = time.monotonic() - started; return
        time.sleep(0.02)
threads = [threading.Thread(target=poll, args=(h,)) for h in hosts] + [threading.Thread(target=poll_api)]
for t in threads: t.start()
for t in threads: t.join()
times = sorted(answered[h] for h in hosts if h in answered)
missing = [h for h in hosts if h not in answered]
print("after kill -9 and restart: API answers in %.2f s; apps answering: %d of %d; first %.2f s, median %.2f s, last %.2f s"
      % (answered.get("api", float("nan")), len(times), len(hosts), times[0] if times else float("nan"),
         times[len(times) // 2] if times else float("nan"), times[-1] if times else float("nan")))
if missing: print("never answered within 120 s:", " ".join(missing))
PY
sleep 2
echo "app processes after recovery: $(count_apps) (expected $apps)"
