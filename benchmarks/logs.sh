#!/usr/bin/env bash
# Issue 14 item 7: a chatty app (RATE lines a second for SECONDS) beside QUIET quiet apps. Reports
# the server's RSS before, at its peak and after; how long `railyard logs` takes for the last 100
# lines of the chatty log (while it chatters and after), for `--since 5s`, and for the whole
# stored log; how many lines were written, stored and reported dropped; and how many health-check
# failures the quiet apps logged (each of them answers at once: any failure is a false one).
# Usage: benchmarks/logs.sh [QUIET] [SECONDS] [RATE] [debug|release]
#        (default 25 quiet apps, 30 s, 20000 lines/s, release build; needs python3, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
quiet_apps=${1:-25}
duration=${2:-30}
rate=${3:-20000}
configuration=${4:-release}
scratch=.build
[ "$configuration" = release ] && scratch=.build-release
swift build -c "$configuration" --scratch-path "$scratch" --product railyard >/dev/null
bin=$(swift build -c "$configuration" --scratch-path "$scratch" --show-bin-path)/railyard
# shellcheck source=benchmarks/server.sh
source "$root/benchmarks/server.sh"

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
# Wall time of a command in seconds, its output counted in lines: "SECONDS LINES".
timed_lines() {
  local start end lines
  start=$(date +%s%N)
  lines=$("$@" | wc -l)
  end=$(date +%s%N)
  python3 -c "print('%.3f s, %d lines' % (($end - $start) / 1e9, $lines))"
}

# A quiet app: stdlib Python answering its health path at once, printing nothing.
quiet="$work/quiet"
mkdir -p "$quiet"
cat > "$quiet/main.py" <<'PY'
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"quiet")
    def log_message(self, *args): pass
HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
PY
echo "web: python3 main.py" > "$quiet/Procfile"
echo '{"deploy": {"healthcheckPath": "/"}}' > "$quiet/railway.json"

echo "railyard $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, $configuration build: $quiet_apps quiet apps, a chatty app at $rate lines/s for ${duration}s"
for index in $(seq "$quiet_apps"); do
  "$bin" service create "quiet$index" >/dev/null
  "$bin" up "$quiet" --service "quiet$index" --json > "$work/quiet$index.json"
done
sleep 3
before=$(rss_mb)
echo "  server RSS with the quiet apps: $before MB"

"$bin" service create chatty >/dev/null
"$bin" variables --service chatty --set "RATE=$rate" --set "DURATION=$duration" >/dev/null
"$bin" up "$root/benchmarks/apps/chatty" --service chatty --json > "$work/chatty.json"
chatty_id=$(field "$work/chatty.json" id)
log="$work/data/logs/$chatty_id.jsonl"
peak=$before
sample() { local now; now=$(rss_mb); [ "$now" -gt "$peak" ] && peak=$now; true; }
ends=$(( $(date +%s) + duration ))
mid=$(( $(date +%s) + duration / 2 ))
while [ "$(date +%s)" -lt "$mid" ]; do sample; sleep 0.5; done
during=$(timed_lines "$bin" logs --service chatty -n 100)
sample
while [ "$(date +%s)" -lt "$ends" ]; do sample; sleep 0.5; done
for _ in $(seq 10); do sample; sleep 0.5; done
echo "  server RSS at its peak:         $peak MB"
echo "  railyard logs -n 100, while it chatters: $during"
echo "  railyard logs -n 100, after:             $(timed_lines "$bin" logs --service chatty -n 100)"
echo "  railyard logs --since 5s, after:         $(timed_lines "$bin" logs --service chatty --since 5s)"
echo "  railyard logs (the whole stored log):    $(timed_lines "$bin" logs --service chatty)"
sleep 5
echo "  server RSS after:               $(rss_mb) MB"
written=$(curl -s --noproxy '*' "http://$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instances"][0]["address"])' "$work/chatty.json")/count")
last=$(tail -n1 "$log" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["seq"])')
dropped=$(cat "$log"* | { grep -o '"message":"[0-9]* lines dropped' || true; } | { grep -o '[0-9]*' || true; } | awk '{s += $1} END {print s + 0}')
echo "  chatty lines written: $written; last seq stored: $last; reported dropped (in the kept log): $dropped"
echo "  log files kept: $(du -ch "$log"* | tail -n1 | cut -f1)"
failures=0
for index in $(seq "$quiet_apps"); do
  id=$(field "$work/quiet$index.json" id)
  count=$(grep -c 'failed its health check' "$work/data/logs/$id.jsonl" || true)
  failures=$(( failures + count ))
done
echo "  health-check failures logged by the quiet apps: $failures"
