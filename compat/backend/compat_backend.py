#!/usr/bin/env python3
"""A scriptable OpenAI-compatible backend for the client-compatibility suite (stdlib only).

It serves ``/v1/models`` from a fixed list with vLLM/OpenRouter-style metadata, answers every
other ``/v1/*`` request with the next scripted reply, and records every request it receives so
that a test can assert the exact upstream request the proxy sent.

Control endpoints (loopback only, never proxied):

* ``POST /__reset``                       -- forget scripts and recorded requests
* ``POST /__script {"scenario": name}``   -- queue a named scenario (see scenarios.py)
* ``POST /__script {"replies": [...]}``   -- queue explicit replies
* ``GET  /__requests``                    -- ``{"requests": [{method, path, headers, body, raw}]}``
* ``GET  /__health``                      -- ``ok``

Usage: ``compat_backend.py --port 0 --port-file FILE`` (the bound port is written to FILE).
"""

import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenarios import MODELS, SCENARIOS  # noqa: E402

LOCK = threading.Lock()
STATE = {"queue": [], "requests": [], "unscripted": []}


def reset():
    with LOCK:
        STATE["queue"] = []
        STATE["requests"] = []
        STATE["unscripted"] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one small write per SSE event: do not let Nagle hold them back
    server_version = "compat-backend/1"

    def log_message(self, fmt, *args):  # quiet: the suites print what matters
        if os.environ.get("COMPAT_BACKEND_LOG"):
            sys.stderr.write("backend: " + (fmt % args) + "\n")

    # ---- plumbing -------------------------------------------------------------------------
    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_bytes(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status, value):
        self.send_bytes(status, json.dumps(value).encode("utf-8"))

    def send_sse(self, status, events, done):
        self.send_response(status)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        payloads = [e if isinstance(e, str) else "data: " + json.dumps(e) + "\n\n" for e in events]
        if done:
            payloads.append("data: [DONE]\n\n")
        for p in payloads:  # one write (and so, normally, one TCP segment) per event
            data = p.encode("utf-8")
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    # ---- routes ---------------------------------------------------------------------------
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/__health":
            return self.send_bytes(200, b"ok", "text/plain")
        if path == "/__requests":
            with LOCK:
                body = {"requests": list(STATE["requests"]), "unscripted": list(STATE["unscripted"]),
                        "pending": len(STATE["queue"])}
            return self.send_json(200, body)
        self.record(path, b"")
        if path == "/v1/models":
            return self.send_json(200, MODELS)
        if path.startswith("/v1/models/"):
            wanted = path[len("/v1/models/"):]
            for m in MODELS["data"]:
                if m["id"] == wanted:
                    return self.send_json(200, m)
            return self.send_json(404, {"error": {"message": "The model `%s` does not exist." % wanted,
                                                  "type": "NotFoundError", "param": None, "code": 404}})
        return self.send_json(404, {"error": {"message": "no route " + path, "type": "NotFoundError"}})

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        raw = self.read_body()
        if path == "/__reset":
            reset()
            return self.send_json(200, {"ok": True})
        if path == "/__script":
            spec = json.loads(raw or b"{}")
            replies = SCENARIOS[spec["scenario"]] if "scenario" in spec else spec["replies"]
            with LOCK:
                STATE["queue"].extend(json.loads(json.dumps(replies)))
            return self.send_json(200, {"queued": len(replies)})
        self.record(path, raw)
        with LOCK:
            reply = STATE["queue"].pop(0) if STATE["queue"] else None
            if reply is None:
                STATE["unscripted"].append(path)
        if reply is None:
            return self.send_json(500, {"error": {"message": "compat backend: no scripted reply for POST " + path,
                                                  "type": "compat_error"}})
        if reply.get("path") and reply["path"] != path:
            return self.send_json(500, {"error": {
                "message": "compat backend: scripted reply is for %s, got POST %s" % (reply["path"], path),
                "type": "compat_error"}})
        status = reply.get("status", 200)
        if "sse" in reply:
            return self.send_sse(status, reply["sse"], reply.get("done", True))
        if "json" in reply:
            return self.send_json(status, reply["json"])
        return self.send_bytes(status, reply.get("body", "").encode("utf-8"),
                               reply.get("content_type", "text/plain"))

    def record(self, path, raw):
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = None
        entry = {"method": self.command, "path": path,
                 "headers": {k.lower(): v for k, v in self.headers.items()},
                 "body": body, "raw": text}
        with LOCK:
            STATE["requests"].append(entry)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(str(port))
        os.replace(tmp, args.port_file)
    print("compat backend on http://%s:%d/v1" % (args.host, port), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
