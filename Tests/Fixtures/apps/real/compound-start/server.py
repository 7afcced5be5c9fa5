import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

body = open("prepared.txt").read() + " " + sys.stdin.readline().strip()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
