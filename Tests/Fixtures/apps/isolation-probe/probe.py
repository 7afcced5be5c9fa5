# An app that tries to get out of its sandbox. GET /probe answers, as JSON, what each attempt
# got: "denied" (or "hidden") is what the platform promises. GET /hog allocates until the
# memory limit stops it. PROBE_DATA and PROBE_OTHER_ARTIFACT are set by the test as
# variables: Railyard's data folder and another service's artifact, by their host paths.
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def attempt(action):
    try:
        result = action()
        return {"outcome": "allowed", "detail": str(result)[:200]}
    except FileNotFoundError as error:
        return {"outcome": "hidden", "detail": str(error)}
    except (PermissionError, OSError) as error:
        return {"outcome": "denied", "detail": str(error)}


def read(path):
    with open(path, "rb") as handle:
        return handle.read(64)


def write(path):
    with open(path, "w") as handle:
        handle.write("probe was here")
    return path


def listing(path):
    entries = os.listdir(path)
    if not entries:
        raise FileNotFoundError("%s is empty" % path)
    return entries


def processes():
    seen = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/cmdline" % entry, "rb") as handle:
                    seen.append({"pid": int(entry), "cmdline": handle.read().replace(b"\0", b" ").decode(errors="replace").strip()})
            except OSError:
                pass
    return seen


def probe():
    # No made-up fallbacks: a probe whose variables did not arrive says so, and the test fails.
    data = os.environ.get("PROBE_DATA")
    other = os.environ.get("PROBE_OTHER_ARTIFACT")
    if not data or not other:
        return {"error": "PROBE_DATA and PROBE_OTHER_ARTIFACT did not reach the app"}
    return {
        "paths": {"data": data, "other": other},
        "uid": os.getuid(),
        "gid": os.getgid(),
        "replica": os.environ.get("RAILYARD_REPLICA_ID"),
        "processes": processes(),
        "attempts": {
            "list the data folder": attempt(lambda: listing(data)),
            "read the database": attempt(lambda: read(os.path.join(data, "railyard.sqlite"))),
            "read another service's artifact": attempt(lambda: listing(other)),
            "read /etc/shadow": attempt(lambda: read("/etc/shadow")),
            "write over the code its artifact shipped": attempt(lambda: write("/srv/app/probe.py")),
            "write into /etc": attempt(lambda: write("/etc/probe.txt")),
            "write into /usr": attempt(lambda: write("/usr/probe.txt")),
            "write into /var/lib": attempt(lambda: write("/var/lib/probe.txt")),
            "write into the data folder": attempt(lambda: write(os.path.join(data, "probe.txt"))),
            "write into /tmp": attempt(lambda: write("/tmp/probe.txt")),
        },
    }


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/hog":
            chunks = []
            for megabytes in range(16, 4097, 16):
                chunks.append(bytearray(16 << 20))
                print("holding %d MiB" % megabytes, flush=True)
            body = b"survived"
        elif self.path == "/probe":
            body = json.dumps(probe()).encode()
        else:
            body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
