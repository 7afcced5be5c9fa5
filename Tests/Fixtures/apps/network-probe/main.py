# An app that tries its private network, and what lies beyond it. GET /connect?host=H&port=P
# tries a TCP connection and answers what happened: "connected" (with the first line the other
# side sent), "refused", "timeout" or "error". GET /abstract?name=N does the same for an
# abstract unix socket, GET /resolve?name=N lists the addresses a name resolves to, GET
# /listening the TCP ports its network namespace listens on, GET /env?name=X a variable.
# Besides PORT it listens on EXTRA_PORT (any port an app likes), greeting each connection
# with "hello from SERVICE".
import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def connect(host, port):
    try:
        with socket.create_connection((host, port), timeout=3) as connection:
            connection.settimeout(2)
            try:
                first = connection.recv(200).decode(errors="replace").strip()
            except OSError:
                first = ""
            return {"outcome": "connected", "detail": first}
    except ConnectionRefusedError as error:
        return {"outcome": "refused", "detail": str(error)}
    except (socket.timeout, TimeoutError) as error:
        return {"outcome": "timeout", "detail": str(error)}
    except OSError as error:
        return {"outcome": "error", "detail": str(error)}


def abstract(name):
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(3)
            connection.connect("\0" + name)
            return {"outcome": "connected", "detail": ""}
    except ConnectionRefusedError as error:
        return {"outcome": "refused", "detail": str(error)}
    except OSError as error:
        return {"outcome": "error", "detail": str(error)}


def resolve(name):
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(name, None, socket.AF_INET, socket.SOCK_STREAM)})
    except OSError as error:
        return {"error": str(error)}


def listening():
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                for line in handle.readlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A":
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return sorted(ports)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        if url.path == "/connect":
            answer = connect(query["host"], int(query["port"]))
        elif url.path == "/abstract":
            answer = abstract(query["name"])
        elif url.path == "/resolve":
            answer = resolve(query["name"])
        elif url.path == "/listening":
            answer = listening()
        elif url.path == "/env":
            answer = os.environ.get(query["name"])
        else:
            answer = "ok"
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def greet(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen(16)
    while True:
        connection, _ = listener.accept()
        try:
            connection.sendall(("hello from %s\n" % os.environ.get("RAILWAY_SERVICE_NAME", "?")).encode())
        finally:
            connection.close()


if os.environ.get("EXTRA_PORT"):
    threading.Thread(target=greet, args=(int(os.environ["EXTRA_PORT"]),), daemon=True).start()
ThreadingHTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
