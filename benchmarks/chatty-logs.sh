#!/usr/bin/env bash
# A very chatty app (RATE lines a second, default 100,000) beside a quiet one: does it slow the
# platform or the other app, and are the lines it loses counted? Reports, before and while the
# chatty app runs: the API's and the quiet app's latency (sequential requests, p50/p99), the
# quiet app's throughput under wrk, and the server's CPU and memory; then how many lines the app
# wrote, how many the platform stored, and how many it reported dropped.
# Usage: benchmarks/chatty-logs.sh [SECONDS] [RATE]   (release build; needs wrk, python3, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${1:-10}
rate=${2:-100000}
scratch=.build-release
swift build -c release --scratch-path "$scratch" --product railyard >/dev/null
bin=$(swift build -c release --scratch-path "$scratch" --show-bin-path)/railyard
# shellcheck source=benchmarks/server.sh
source "$root/benchmarks/server.sh"

address() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["instances"][0]["address"])' "$1"; }
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

"$bin" service create quiet >/dev/null
"$bin" up "$root/Tests/Fixtures/apps/python-stdlib" --service quiet --json > "$work/quiet.json"
quiet=$(address "$work/quiet.json")

# p50/p99 of 300 sequential GETs, in ms.
latency() {
  python3 - "$1" <<'PY'
import sys, time, urllib.request
url = sys.argv[1]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
samples = []
for _ in range(300):
    started = time.perf_counter()
    opener.open(url, timeout=10).read()
    samples.append((time.perf_counter() - started) * 1000)
samples.sort()
print("p50 %.2f ms, p99 %.2f ms" % (samples[149], samples[296]))
PY
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }
measure() {
  echo "== $1"
  echo "  API GET /healthz:      $(latency "$RAILYARD_SERVER/healthz")"
  echo "  quiet app GET /:       $(latency "http://$quiet/")"
  echo "  quiet app under wrk:   $(wrk -t1 -c8 -d5s "http://$quiet/" | awk '/Requests\/sec/ {print $2 " requests/s (wrk -t1 -c8 -d5s)"}')"
}

echo "railyard $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, release build, chatty app at $rate lines/s for ${duration}s"
ticks0=$(cpu_ticks); sleep 5; ticks1=$(cpu_ticks)
echo "  server CPU at rest:    $(( (ticks1 - ticks0) * 100 / (5 * $(getconf CLK_TCK)) ))% of one core, RSS $(rss_mb) MB"
measure "before: the quiet app alone"

"$bin" service create chatty >/dev/null
"$bin" variables --service chatty --set "RATE=$rate" >/dev/null
"$bin" up "$root/benchmarks/apps/chatty" --service chatty --json > "$work/chatty.json"
chatty=$(address "$work/chatty.json")
log="$work/data/logs/$(field "$work/chatty.json" id).jsonl"
last_seq() { tail -n1 "$log" | python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["seq"])'; }
sleep 2
app=$(pgrep -n -f "^python3 main.py" || true)
app_ticks() { if [ -n "$app" ]; then awk '{print $14 + $15}' "/proc/$app/stat"; else echo 0; fi; }
written0=$(curl -s --noproxy '*' "http://$chatty/count"); seq0=$(last_seq); ticks0=$(cpu_ticks); app0=$(app_ticks); start=$(date +%s%N)
measure "while the chatty app runs"
remaining=$(( duration - ($(date +%s%N) - start) / 1000000000 ))
[ "$remaining" -gt 0 ] && sleep "$remaining"
written1=$(curl -s --noproxy '*' "http://$chatty/count"); seq1=$(last_seq); ticks1=$(cpu_ticks); app1=$(app_ticks); end=$(date +%s%N)
seconds=$(python3 -c "print(($end - $start) / 1e9)")
echo "== the chatty app, over ${seconds}s"
python3 - "$written0" "$written1" "$seq0" "$seq1" "$seconds" <<'PY'
import sys
w0, w1, s0, s1 = map(int, sys.argv[1:5]); seconds = float(sys.argv[5])
print("  written by the app:    %d lines/s" % ((w1 - w0) / seconds))
print("  stored by Railyard:    %d lines/s (%.1f%% of what was written)" % ((s1 - s0) / seconds, 100.0 * (s1 - s0) / max(w1 - w0, 1)))
PY
percent() { echo $(( $1 * 100 / ( (end - start) / 10000000 * $(getconf CLK_TCK) / 100 ) )); }
echo "  server CPU:            $(percent $((ticks1 - ticks0)))% of one core, RSS $(rss_mb) MB"
echo "  the chatty app's CPU:  $(percent $((app1 - app0)))% of one core (writing its lines)"
reported=$(cat "$log"* | grep -c 'lines dropped' || true)
dropped=$(cat "$log"* | { grep -o '"message":"[0-9]* lines dropped' || true; } | { grep -o '[0-9]*' || true; } | awk '{s += $1} END {print s + 0}')
echo "  drop notices in the kept log: $reported, counting $dropped lines"
echo "  log files kept: $(du -ch "$log"* | tail -n1 | cut -f1) (rotated at 32 MiB, one older part kept)"
