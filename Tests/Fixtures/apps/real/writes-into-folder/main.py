import os
import sqlite3
from http.server import BaseHTTPRequestHandler, HTTPServer

# Like apps that keep a SQLite file, a cache and uploads next to their code.
database = sqlite3.connect("data.sqlite3", check_same_thread=False)
database.execute("create table if not exists visits (n integer)")
os.makedirs("cache", exist_ok=True)
with open("cache/warm.txt", "w") as cache:
    cache.write("warm")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        database.execute("insert into visits values (1)")
        database.commit()
        visits = database.execute("select count(*) from visits").fetchone()[0]
        with open("uploads/last.txt", "w") as upload:
            upload.write(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(f"visits={visits} cache={open('cache/warm.txt').read()} upload={open('uploads/last.txt').read()}".encode())

    def log_message(self, *args):
        pass


HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
