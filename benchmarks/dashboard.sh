#!/usr/bin/env bash
# Dashboard benchmark (not a test): how long `railyard server` (release build) takes to answer
# the dashboard's pages with 1,000 projects in the store, one request at a time over loopback
# (so the figure is the server's render time plus a loopback round trip), and each page's weight
# (its HTML, the stylesheet and the script).
# Seeds: 1,000 projects; one of them with 25 services, one service with 50 variables and 20
# deployments (queued: nothing is built, the page reads them as it would any).
# Usage: benchmarks/dashboard.sh [--requests 200]
set -euo pipefail
cd "$(dirname "$0")/.."
requests=200
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

scratch=.build-release
swift build -c release --scratch-path "$scratch" --product railyard >/dev/null
binary=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/railyard
work=$(mktemp -d /tmp/railyard-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RAILYARD_ADMIN_EMAIL=bench@example.com RAILYARD_ADMIN_PASSWORD=bench-password \
  "$binary" server --api-listen "127.0.0.1:$port" --http-listen 127.0.0.1:0 --https-listen 127.0.0.1:0 \
  --data "$work/data" --log-level warning >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; sleep 1; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

echo "railyard $(git rev-parse --short HEAD), $(nproc) cores, release build, SQLite; $requests sequential requests per page"
echo
python3 - "$base" "$requests" <<'PY'
import http.client, json, re, statistics, sys, time, urllib.parse
base, requests = sys.argv[1], int(sys.argv[2])
host, port = urllib.parse.urlsplit(base).hostname, urllib.parse.urlsplit(base).port
connection = http.client.HTTPConnection(host, port)

def call(method, path, body=None, headers=None):
    connection.request(method, path, body=body, headers=headers or {})
    answer = connection.getresponse()
    return answer.status, "\n".join(answer.msg.get_all("Set-Cookie") or []), answer.read()

def api(method, path, body=None):
    status, _, data = call(method, path, json.dumps(body) if body is not None else None,
                           {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    if status >= 300: raise SystemExit(f"{method} {path}: {status} {data[:200]}")
    return json.loads(data) if data else None

_, _, data = call("POST", "/api/v1/auth/login", json.dumps({"email": "bench@example.com", "password": "bench-password"}),
                  {"Content-Type": "application/json"})
token = json.loads(data)["accessToken"]
for i in range(999):
    api("POST", "/api/v1/projects", {"name": f"project-{i:04d}"})
created = api("POST", "/api/v1/projects", {"name": "shop"})
project, environment = created["project"]["id"], created["environments"][0]["id"]
services = [api("POST", f"/api/v1/projects/{project}/services", {"name": f"svc-{i:02d}"})["id"] for i in range(25)]
web = services[0]
api("PATCH", f"/api/v1/services/{web}", {"repository": {"url": "https://example.com/shop.git", "branch": "main"}})
api("PATCH", f"/api/v1/services/{web}/variables?environmentId={environment}", {"set": {f"VAR_{i:02d}": "x" * 40 for i in range(50)}})
for i in range(20):
    api("POST", f"/api/v1/services/{web}/deployments", {"environmentId": environment, "message": f"deploy {i}"})

# Sign in as a browser does: the form's token and its cookie, then the session cookie.
status, headers, page = call("GET", "/login")
login_cookie = re.search(r"railyard_form=([^;]+)", headers).group(1)
csrf = re.search(rb'name="_csrf" value="([^"]+)"', page).group(1).decode()
form = urllib.parse.urlencode({"_csrf": csrf, "email": "bench@example.com", "password": "bench-password"})
status, headers, _ = call("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded",
                                                   "Cookie": "railyard_form=" + login_cookie})
session = re.search(r"railyard_session=([^;]+)", headers).group(1)
cookie = {"Cookie": "railyard_session=" + session}

_, _, home = call("GET", "/", headers=cookie)
assets = re.findall(rb'(?:href|src)="(/assets/[^"]+)"', home)
asset_bytes = sum(len(call("GET", a.decode())[2]) for a in assets)

print("| page | p50 ms | p95 ms | p99 ms | max ms | HTML KB | HTML+CSS+JS KB |")
print("|---|---|---|---|---|---|---|")
for label, path in [("projects (1,000)", "/"), ("project (25 services)", f"/projects/{project}"),
                    ("service (20 deployments, 50 variables)", f"/services/{web}?environmentId={environment}")]:
    times, size = [], 0
    for _ in range(requests):
        started = time.perf_counter()
        status, _, body = call("GET", path, headers=cookie)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200: raise SystemExit(f"{path}: {status}")
        size = len(body)
    times.sort()
    q = lambda f: times[min(len(times) - 1, int(f * len(times)))]
    print(f"| {label} | {q(0.5):.1f} | {q(0.95):.1f} | {q(0.99):.1f} | {times[-1]:.1f} | {size / 1024:.1f} | {(size + asset_bytes) / 1024:.1f} |")
PY
echo
echo "| server RSS after the run | $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status") |"
