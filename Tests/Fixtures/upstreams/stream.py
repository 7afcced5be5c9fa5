"""An app instance for streaming tests: GET /big?bytes=N answers N bytes, POST /count answers
how many body bytes it read. Both move 1 MiB at a time, so it holds no body in memory."""
import http.server
import os
import sys

PIECE = b"z" * (1 << 20)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        size = int(self.path.partition("bytes=")[2] or 0)
        self.send_response(200)
        self.send_header("content-length", str(size))
        self.end_headers()
        while size > 0:
            piece = PIECE[: min(size, len(PIECE))]
            self.wfile.write(piece)
            size -= len(piece)

    def do_POST(self):
        remaining = int(self.headers.get("content-length", 0))
        counted = 0
        while remaining > 0:
            piece = self.rfile.read(min(remaining, 1 << 20))
            if not piece:
                break
            counted += len(piece)
            remaining -= len(piece)
        body = str(counted).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# Deployed by a live server it is given PORT; run on its own it takes a free port and says which.
port = int(os.environ.get("PORT", "0"))
server = http.server.ThreadingHTTPServer(("0.0.0.0" if port else "127.0.0.1", port), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
