# Sourced by the benchmark scripts: a fresh `railyard server` (the binary in $bin) on its
# embedded defaults in a temporary folder, an admin logged in, and a project named bench linked
# in the working folder. Sets work, port, server, XDG_CONFIG_HOME and RAILYARD_SERVER; stops
# the server and removes the folder on exit.
work=$(mktemp -d /tmp/railyard-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
RAILYARD_ADMIN_EMAIL=bench@example.com RAILYARD_ADMIN_PASSWORD=bench-password \
  "$bin" server --data "$work/data" --api-listen "127.0.0.1:$port" --http-listen 127.0.0.1:0 --https-listen 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
export XDG_CONFIG_HOME="$work/config" RAILYARD_SERVER="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf --noproxy '*' "$RAILYARD_SERVER/healthz" >/dev/null && break; sleep 0.1; done
"$bin" login --email bench@example.com --password bench-password >/dev/null
mkdir -p "$work/cli" && cd "$work/cli" && "$bin" init --name bench >/dev/null
