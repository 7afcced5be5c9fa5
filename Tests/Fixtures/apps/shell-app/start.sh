#!/bin/sh
# Answers every request with a fixed body, using only python3's standard library.
exec python3 -c '
import os, http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"shell-app")
http.server.HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
'
