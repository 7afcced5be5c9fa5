#!/usr/bin/env bash
# Database services on a fresh `railyard server` (its embedded defaults, logs on):
#  1. for PostgreSQL, Redis and MySQL (MariaDB): the time from `railyard add --database ENGINE`
#     to the first query answered through `railyard connect` (the CLI's own start included);
#  2. each one's memory once idle (PSS and RSS summed over the processes of its replica);
#  3. a backup of a PostgreSQL database of SIZE_MB (default 1024) while an app behind the edge
#     and the API are measured: latency percentiles before and during the backup, and how long
#     the backup takes. "Does not stall" means the during figures stay near the before ones.
# Usage: benchmarks/databases.sh [debug|release] [SIZE_MB]   (default release, 1024)
# Needs root (private networks), and Debian's postgresql, redis-server and mariadb-server.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
configuration=${1:-release}
size_mb=${2:-1024}
# shellcheck source=benchmarks/binary.sh
source "$root/benchmarks/binary.sh"

work=$(mktemp -d /tmp/railyard-databases.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api=$(free_port); http=$(free_port); https=$(free_port)
RAILYARD_ADMIN_EMAIL=bench@example.com RAILYARD_ADMIN_PASSWORD=bench-password \
  "$bin" server --data "$work/data" --api-listen "127.0.0.1:$api" --http-listen "127.0.0.1:$http" \
  --https-listen "127.0.0.1:$https" > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; for _ in $(seq 300); do kill -0 $server 2>/dev/null || break; sleep 0.1; done; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" RAILYARD_SERVER="http://127.0.0.1:$api"
for _ in $(seq 100); do curl -sf --noproxy '*' "$RAILYARD_SERVER/healthz" >/dev/null && break; sleep 0.1; done
"$bin" login --email bench@example.com --password bench-password >/dev/null
project="dbbench$$"
mkdir -p "$work/cli" && cd "$work/cli" && "$bin" init --name "$project" >/dev/null
echo "railyard $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $configuration build"

now() { date +%s.%N; }
declare -A ping=([postgres]="-tAc 'select 1'" [redis]="PING" [mysql]="-N -e 'select 1'")
echo
echo "| engine | add → first query (s) | idle PSS (MiB) | idle RSS (MiB) |"
echo "|---|---|---|---|"
for engine in postgres redis mysql; do
  started=$(now)
  # PostgreSQL's volume holds the large database of part 3.
  size=1G; [ "$engine" = postgres ] && size=$(( size_mb * 3 / 1024 + 1 ))G
  "$bin" add --database "$engine" --size "$size" > /dev/null 2>&1
  until eval "\"$bin\" connect $engine -- ${ping[$engine]}" > /dev/null 2>&1; do sleep 0.05; done
  took=$(python3 -c "print(f'{$(now) - $started:.2f}')")
  # Idle: its start settled, no client.
  sleep 15
  deployment=$("$bin" deployment list --service "$engine" --json | python3 -c 'import json,sys; print([d["id"] for d in json.load(sys.stdin) if d["status"] == "SUCCESS"][0])')
  # Its replica's processes: those in its cgroups (named after the deployment's instances);
  # environments cannot tell them (Redis writes its title over its own).
  memory=$(python3 - "$deployment" <<'PY'
import os, sys
deployment = sys.argv[1]
pss = rss = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if deployment not in open(f"/proc/{pid}/cgroup").read():
            continue
        if open(f"/proc/{pid}/comm").read().strip() in ("bwrap", "sh", "nsenter"):
            continue
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"): pss += int(line.split()[1])
            if line.startswith("Rss:"): rss += int(line.split()[1])
    except OSError:
        pass
print(f"{pss / 1024:.1f} {rss / 1024:.1f}")
PY
)
  echo "| $engine | $took | ${memory% *} | ${memory#* } |"
done

echo
echo "Filling PostgreSQL with about $size_mb MB…"
rows=$(( size_mb * 1024 * 1024 / 1100 ))
# Random text (a repeated string would compress to nothing in the dump).
"$bin" connect postgres -- -q -c "CREATE TABLE big AS SELECT g AS id, (SELECT string_agg(md5(random()::text || g::text || i::text), '') FROM generate_series(1, 32) i) AS pad FROM generate_series(1, $rows) g" > /dev/null
database_size=$("$bin" connect postgres -- -tAc "select pg_size_pretty(pg_database_size(current_database()))")
"$bin" service create web > /dev/null
host=$("$bin" domain --service web --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["hostname"])')
"$bin" up "$root/Tests/Fixtures/apps/python-stdlib" --service web > /dev/null 2>&1

# Latency of the app through the edge and of the API, sampled by 4 clients each for SECONDS,
# or until the file STOP exists.
measure() {
  python3 - "$http" "$api" "$host" "$1" "$work/stop" <<'PY'
import http.client, os, sys, threading, time
edge, api, host, seconds, stop = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
samples = {"edge": [], "api": []}
def run(kind):
    port, headers = (edge, {"Host": host}) if kind == "edge" else (api, {})
    path = "/" if kind == "edge" else "/healthz"
    end = time.monotonic() + seconds
    while time.monotonic() < end and not os.path.exists(stop):
        began = time.monotonic()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", path, headers=headers); c.getresponse().read(); c.close()
            samples[kind].append(time.monotonic() - began)
        except OSError:
            samples[kind].append(10.0)
threads = [threading.Thread(target=run, args=(k,)) for k in ("edge", "api") for _ in range(4)]
began = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
took = time.monotonic() - began
for kind in ("edge", "api"):
    s = sorted(samples[kind])
    q = lambda p: s[min(len(s) - 1, int(p * len(s)))] * 1000
    print(f"{kind}: {len(s) / took:.0f} req/s, p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {s[-1] * 1000:.0f} ms")
PY
}
echo
echo "PostgreSQL database: $database_size"
echo "Before the backup (10 s):"
measure 10
rm -f "$work/stop"
started=$(now)
backup=$("$bin" backup create --service postgres --detach --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
( while [ "$("$bin" backup list --service postgres --json | python3 -c "import json,sys; print([b['status'] for b in json.load(sys.stdin) if b['id'] == '$backup'][0])")" = RUNNING ]; do sleep 0.5; done
  touch "$work/stop" ) &
watcher=$!
echo "During the backup:"
measure 3600
wait $watcher
took=$(python3 -c "print(f'{$(now) - $started:.1f}')")
"$bin" backup list --service postgres --json | python3 -c "
import json, sys
b = [b for b in json.load(sys.stdin) if b['id'] == '$backup'][0]
print(f\"Backup {b['status']}: {b.get('sizeBytes', 0) / 1048576:.0f} MiB in $took s (pg_dump custom format, niced, in its own cgroup)\")"
