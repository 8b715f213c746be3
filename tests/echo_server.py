"A tiny OpenAI-compatible server on 127.0.0.1 for tests: it quotes the request's Authorization header back in 401 and 500 bodies and in stream error events."
import json, threading, http.server, contextlib

class _Handler(http.server.BaseHTTPRequestHandler):
    "Model 'deny': 401; 'boom': 500; 'stream': a token then an error event; anything else: 'Hello there'."
    def _send(self, code, body, ctype="application/json"):
        b = body.encode()
        self.send_response(code); self.send_header("Content-Type", ctype); self.send_header("Content-Length", str(len(b)))
        self.end_headers(); self.wfile.write(b)

    def do_GET(self): self._send(200, json.dumps({"data": [{"id": "ok"}]}))

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        auth, model = self.headers.get("Authorization", ""), body.get("model")
        bare = auth.split(" ", 1)[-1]
        echo = "".join("." * 13 + auth + " key=" + bare for _ in range(30))   # header and bare key at many offsets: one straddles any cut
        if self.server.on_request is not None: self.server.on_request(model)
        if model == "deny": return self._send(401, json.dumps({"error": {"message": echo}}))
        if model == "boom": return self._send(500, echo, "text/plain")
        self.send_response(200); self.send_header("Content-Type", "text/event-stream"); self.end_headers()
        first = {"choices": [{"delta": {"content": "Hello"}}]}
        rest = ([{"error": {"message": echo}}] if model == "stream" else
                [{"choices": [{"delta": {"content": " there"}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3, "completion_tokens": 2}}])
        for ev in [first] + rest: self.wfile.write(f"data: {json.dumps(ev)}\n\n".encode())
        if model != "stream": self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *a): pass

@contextlib.contextmanager
def echo_server(on_request=None):
    "Serve on a free port in a thread; yields the base URL (`http://127.0.0.1:PORT/v1`). `on_request(model)` runs before each answer."
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.on_request, srv.daemon_threads = on_request, True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try: yield f"http://127.0.0.1:{srv.server_port}/v1"
    finally: srv.shutdown(); srv.server_close()
