# A very chatty app for benchmarks/chatty-logs.sh and benchmarks/logs.sh: writes RATE lines a
# second to stdout (half JSON objects, half plain text) in batches every 10 ms, for DURATION
# seconds when set (then one "tick N" line a second), and answers GET /count with how many it
# has written so far.
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

rate = int(os.environ.get("RATE", "100000"))
duration = float(os.environ.get("DURATION", "0"))
written = 0


def chatter():
    global written
    batch = max(rate // 100, 1)
    started = time.monotonic()
    while True:
        if duration and time.monotonic() - started >= duration:
            print("chatty: done after %d lines" % written, flush=True)
            tick = 0
            while True:
                tick += 1
                print("tick %d" % tick, flush=True)
                time.sleep(1)
        lines = []
        for _ in range(batch):
            written += 1
            if written % 2:
                lines.append(json.dumps({"level": "info", "message": "request served", "n": written}))
            else:
                lines.append("plain line %d with some text to make it a realistic length" % written)
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
        # Keep the average at `rate` lines a second.
        behind = written / rate - (time.monotonic() - started)
        if behind > 0:
            time.sleep(behind)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = str(written).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


threading.Thread(target=chatter, daemon=True).start()
ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
