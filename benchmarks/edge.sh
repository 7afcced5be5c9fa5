#!/usr/bin/env bash
# The edge router against nginx's reverse proxy (and HAProxy and Caddy when installed), in the
# same run: wrk over loopback through each proxy to one tiny upstream (nginx answering a fixed
# 13-byte body), keep-alive to the upstream everywhere, at 64 and 256 connections. Reports
# requests/s, p50 and p99 latency, each proxy's RSS after the run, and ratios to nginx. Each
# figure is the median of ROUNDS runs, the proxies taking turns in each round (runs on a shared
# machine vary by 10% and more from one to the next). The row "nio-bytes" is not a proxy: it
# is SwiftNIO forwarding bytes with no HTTP at all (`railyard edge-proxy --bytes-only`, one
# instance connection per client connection), the floor of what the edge's machinery costs.
# "CPU µs/req" is the proxy's own processor time (user + system, all its processes) per request:
# steadier than requests/s on a machine whose cores wrk and the upstream share.
# The rows "server" and "nginx-priv" are the product path: `railyard server` on its defaults
# (HTTP access logs on) with a deployed service, whose app is nginx answering the same 13 bytes
# inside its sandbox, on its environment's private network (a veth and a bridge away, when the
# server runs as root); "nginx-priv" is nginx's reverse proxy in front of that same sandboxed app,
# so that the two differ only in the proxy; "nginx-log" is that nginx with a JSON access log
# (buffer=64k), as the server keeps every request's line: the issue-17 anchor. After the run the
# server's HTTP log lines are counted against the requests wrk reports for it ("log lines").
# Every proxy runs in a session of its own, as nginx's daemon does (`setsid`): with the kernel's
# autogroup scheduling on, a process left in the script's session would share one scheduling
# group with wrk, and wait behind wrk's threads, which nginx never does.
# Usage: benchmarks/edge.sh [SECONDS] [ROUNDS]   (release build; needs nginx and wrk:
#        apt-get install nginx-light wrk [haproxy caddy])
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${1:-10}
rounds=${2:-3}
command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk (apt-get install nginx-light wrk)" >&2; exit 1; }
scratch=.build-release
swift build -c release --scratch-path "$scratch" --product railyard >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/railyard
work=$(mktemp -d /tmp/railyard-bench-edge.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in upstream nginx nginx-priv nginx-log; do nginx -c "$work/$conf.conf" -s stop 2>/dev/null || true; done
  # The server stops its app and its private network on SIGTERM: wait for it before removing its folder.
  [ -n "${server_pid:-}" ] && while kill -0 "$server_pid" 2>/dev/null; do sleep 0.1; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
workers=$(nproc)
upstream=$(free_port); edge=$(free_port); floor_port=$(free_port); nginx_port=$(free_port); haproxy_port=$(free_port); caddy_port=$(free_port)
priv_port=$(free_port); api_port=$(free_port); server_port=$(free_port); log_port=$(free_port)

cat > "$work/upstream.conf" <<CONF
worker_processes 1; pid $work/upstream.pid; error_log $work/upstream-error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:$upstream; location / { return 200 "Hello, world!"; } } }
CONF
nginx -c "$work/upstream.conf"

cat > "$work/nginx.conf" <<CONF
worker_processes $workers; pid $work/nginx.pid; error_log $work/nginx-error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream app { server 127.0.0.1:$upstream; keepalive 256; }
  server { listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }
CONF
nginx -c "$work/nginx.conf"

setsid "$bin" edge-proxy --listen "127.0.0.1:$edge" --route "bench.localhost=127.0.0.1:$upstream" 2>"$work/edge.log" &
pids+=($!); edge_pid=$!
setsid "$bin" edge-proxy --bytes-only --listen "127.0.0.1:$floor_port" --route "bench.localhost=127.0.0.1:$upstream" 2>"$work/floor.log" &
pids+=($!); floor_pid=$!

# The product path: a server, and the app deployed on it (nginx in its sandbox, on $PORT).
mkdir -p "$work/app" "$work/cli"
cat > "$work/app/Procfile" <<'PROCFILE'
web: printf 'worker_processes 1; pid /tmp/nginx.pid; error_log /tmp/error.log; daemon off;\nevents { worker_connections 4096; }\nhttp { access_log off; keepalive_requests 1000000; client_body_temp_path /tmp; proxy_temp_path /tmp; fastcgi_temp_path /tmp; uwsgi_temp_path /tmp; scgi_temp_path /tmp;\n server { listen %s; location / { return 200 "Hello, world!"; } } }\n' "$PORT" > /tmp/nginx.conf && exec /usr/sbin/nginx -c /tmp/nginx.conf
PROCFILE
RAILYARD_ADMIN_EMAIL=bench@example.com RAILYARD_ADMIN_PASSWORD=bench-password setsid "$bin" server --data "$work/data" \
  --api-listen "127.0.0.1:$api_port" --http-listen "127.0.0.1:$server_port" --https-listen off > "$work/server.log" 2>&1 &
pids+=($!); server_pid=$!
export XDG_CONFIG_HOME="$work/config" RAILYARD_SERVER="http://127.0.0.1:$api_port"
for _ in $(seq 100); do curl -sf --noproxy '*' "$RAILYARD_SERVER/healthz" >/dev/null && break; sleep 0.1; done
(cd "$work/cli" && "$bin" login --email bench@example.com --password bench-password >/dev/null && "$bin" init --name bench >/dev/null \
  && "$bin" service create web >/dev/null && "$bin" up "$work/app" --service web --json > "$work/deployment.json" \
  && "$bin" domain --service web --json > "$work/domain.json") || { echo "the benchmark app did not deploy:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
app_address=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instances"][0]["address"])' "$work/deployment.json")
server_host=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["hostname"])' "$work/domain.json")
cat > "$work/nginx-priv.conf" <<CONF
worker_processes $workers; pid $work/nginx-priv.pid; error_log $work/nginx-priv-error.log; daemon on;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  upstream app { server $app_address; keepalive 256; }
  server { listen 127.0.0.1:$priv_port;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }
CONF
nginx -c "$work/nginx-priv.conf"
# The same with a JSON access log, as nginx's users keep one (buffered, flushed every second):
# what the server's HTTP log (every request, stored as JSON) is measured against.
cat > "$work/nginx-log.conf" <<CONF
worker_processes $workers; pid $work/nginx-log.pid; error_log $work/nginx-log-error.log; daemon on;
events { worker_connections 4096; }
http { keepalive_requests 1000000;
  log_format json escape=json '{"time":"\$time_iso8601","method":"\$request_method","host":"\$host","path":"\$request_uri",'
    '"status":\$status,"durationMs":\$request_time,"bytesIn":\$request_length,"bytesOut":\$bytes_sent,'
    '"requestId":"\$request_id","client":"\$remote_addr","upstream":"\$upstream_addr"}';
  access_log $work/nginx-access.log json buffer=64k flush=1s;
  upstream app { server $app_address; keepalive 256; }
  server { listen 127.0.0.1:$log_port;
    location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; } } }
CONF
nginx -c "$work/nginx-log.conf"

if command -v haproxy >/dev/null; then
  cat > "$work/haproxy.cfg" <<CONF
global
  nbthread $workers
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend web
  bind 127.0.0.1:$haproxy_port
  default_backend app
backend app
  server s1 127.0.0.1:$upstream
CONF
  setsid haproxy -f "$work/haproxy.cfg" >/dev/null 2>&1 &
  pids+=($!); haproxy_pid=$!
fi
if command -v caddy >/dev/null; then
  cat > "$work/Caddyfile" <<CONF
{
  admin off
  auto_https off
}
http://:$caddy_port {
  bind 127.0.0.1
  reverse_proxy 127.0.0.1:$upstream
}
CONF
  GOMAXPROCS=$workers setsid caddy run --config "$work/Caddyfile" --adapter caddyfile >/dev/null 2>&1 &
  pids+=($!); caddy_pid=$!
fi
sleep 1.5
for pid in "${pids[@]}"; do
  [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] || { echo "process $pid is not in a session of its own" >&2; exit 1; }
done

rss_kb() { local total=0; for pid in "$@"; do total=$(( total + $(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0) )); done; echo "$total"; }
nginx_pids() { local file=$work/${1:-nginx}.pid; echo "$(cat "$file") $(pgrep -P "$(cat "$file")" | tr '\n' ' ')"; }
pids_of() { case "$1" in nginx) nginx_pids ;; nginx-priv) nginx_pids nginx-priv ;; nginx-log) nginx_pids nginx-log ;; *) echo "$1" ;; esac; }
cpu_ticks() { local total=0; for pid in "$@"; do total=$(( total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0) )); done; echo "$total"; }
ticks_per_second=$(getconf CLK_TCK)
# Prints "requests/s p50_ms p99_ms requests".
run_wrk() {
  wrk -t2 -c"$2" -d"${duration}s" --latency -H "Host: ${3:-bench.localhost}" "http://127.0.0.1:$1/" | awk '
    /Requests\/sec/ {rps = $2}
    / requests in / {total = $1}
    $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    END {printf "%s %.2f %.2f %s\n", rps, ms(p50), ms(p99), total}'
}
# The seq of the last line in the benchmark app's log: how many lines it has had (seqs have no gaps).
deployment_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/deployment.json")
last_seq() { tail -n 1 "$work/data/logs/$deployment_id.jsonl" 2>/dev/null | python3 -c 'import json,sys; line=sys.stdin.read().strip(); print(json.loads(line)["seq"] if line else 0)'; }
server_requests=0
seq_before=$(last_seq)

echo "railyard $(git -C "$root" rev-parse --short HEAD), $workers cores shared by wrk, proxy and upstream; wrk -t2 -d${duration}s; median of $rounds rounds; release build"
echo "server: railyard server on its defaults (access logs on), its app (nginx) on $app_address$(grep -q 'share the host' "$work/server.log" && echo ', on the host network (no private network here)')"
printf "%-10s %6s %12s %10s %10s %8s %10s %10s %11s\n" proxy conns "requests/s" "p50 ms" "p99 ms" "RSS MB" "vs nginx" "p99/nginx" "CPU µs/req"
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
for connections in 64 256; do
  names=(nginx railyard nio-bytes server nginx-priv nginx-log)
  ports=("$nginx_port" "$edge" "$floor_port" "$server_port" "$priv_port" "$log_port")
  pidsets=("nginx" "$edge_pid" "$floor_pid" "$server_pid" "nginx-priv" "nginx-log")
  hosts=(bench.localhost bench.localhost bench.localhost "$server_host" "$server_host" "$server_host")
  if [ -n "${haproxy_pid:-}" ]; then names+=(haproxy); ports+=("$haproxy_port"); pidsets+=("$haproxy_pid"); hosts+=(bench.localhost); fi
  if [ -n "${caddy_pid:-}" ]; then names+=(caddy); ports+=("$caddy_port"); pidsets+=("$caddy_pid"); hosts+=(bench.localhost); fi
  results="$work/results-$connections"; : > "$results"
  for _ in $(seq "$rounds"); do
    for i in "${!names[@]}"; do
      before=$(cpu_ticks $(pids_of "${pidsets[$i]}"))
      read -r rps p50 p99 total < <(run_wrk "${ports[$i]}" "$connections" "${hosts[$i]}")
      [ "${names[$i]}" = server ] && server_requests=$(( server_requests + total ))
      after=$(cpu_ticks $(pids_of "${pidsets[$i]}"))
      cpu=$(python3 -c "print(f'{($after - $before) * 1e6 / $ticks_per_second / max($rps * $duration, 1):.1f}')")
      echo "${names[$i]} $rps $p50 $p99 $cpu" >> "$results"
    done
  done
  declare -A rps_of p50_of p99_of cpu_of
  for name in "${names[@]}"; do
    rps_of[$name]=$(awk -v n="$name" '$1 == n {print $2}' "$results" | median)
    p50_of[$name]=$(awk -v n="$name" '$1 == n {print $3}' "$results" | median)
    p99_of[$name]=$(awk -v n="$name" '$1 == n {print $4}' "$results" | median)
    cpu_of[$name]=$(awk -v n="$name" '$1 == n {print $5}' "$results" | median)
  done
  for i in "${!names[@]}"; do
    name=${names[$i]}
    rss=$(rss_kb $(pids_of "${pidsets[$i]}"))
    printf "%-10s %6s %12s %10s %10s %8s %10s %10s %11s\n" "$name" "$connections" "${rps_of[$name]}" "${p50_of[$name]}" "${p99_of[$name]}" "$(( rss / 1024 ))" \
      "$(python3 -c "print(f'{${rps_of[$name]} / ${rps_of[nginx]}:.2f}')")" "$(python3 -c "print(f'{${p99_of[$name]} / max(${p99_of[nginx]}, 0.001):.2f}')")" "${cpu_of[$name]}"
  done
done
sleep 1
seq_after=$(last_seq)
echo "server HTTP log: $(( seq_after - seq_before )) lines for the $server_requests requests wrk counted through it (a line per request wrk cut off at its end too; fewer lines than requests would be lines lost)"
