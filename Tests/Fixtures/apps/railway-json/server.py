import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok" if self.path == "/health" else b"railway-json")


HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
