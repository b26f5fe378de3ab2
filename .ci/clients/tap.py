#!/usr/bin/env python3
"""Records what an MCP client and backlog-mcp say to each other, byte for byte.

run.sh puts this between each client and the server so that a failing check
can print the exchange that led to it (the clients' own errors rarely show it):

  tap.py http  --upstream http://127.0.0.1:PORT --log FILE --url-file FILE
      A loopback HTTP proxy on a free port; writes its own http://127.0.0.1:P/mcp
      into --url-file. Requests and responses pass unchanged (Host and Origin
      included, so the server's checks see what the client sent); responses
      without a Content-Length (SSE) are streamed as they come.
  tap.py stdio --log FILE -- COMMAND [ARG...]
      Runs COMMAND with our stdin/stdout connected to it, logging every line
      in both directions; its stderr goes to FILE.stderr.

Standard library only; never listens or connects anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

BODY_LOG_LIMIT = 4_000
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class Log:
    def __init__(self, path: str) -> None:
        self._file = open(path, "a", encoding="utf-8", buffering=1)
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def write(self, text: str) -> None:
        stamp = f"[{time.monotonic() - self._started:8.3f}s] "
        with self._lock:
            self._file.write(stamp + text.rstrip("\n") + "\n")


def shorten(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    if len(text) > BODY_LOG_LIMIT:
        return text[:BODY_LOG_LIMIT] + f" …[{len(text) - BODY_LOG_LIMIT} more characters]"
    return text


def run_http(upstream: str, log: Log, url_file: str) -> None:
    target = urllib.parse.urlsplit(upstream)
    if target.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit(f"tap.py: refusing a non-loopback upstream {upstream!r}")
    counter = iter(range(1, 1 << 62))
    counter_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

        def forward(self) -> None:
            with counter_lock:
                n = next(counter)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = self._read_chunked()
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            heads = "\n".join(f"    {k}: {v}" for k, v in self.headers.items())
            log.write(f"#{n} → {self.command} {self.path}\n{heads}\n    {shorten(body)}")
            started = time.monotonic()
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            try:
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for key, value in self.headers.items():
                    if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                        conn.putheader(key, value)
                if body or self.command in ("POST", "PUT", "PATCH"):
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body or None)
                response = conn.getresponse()
            except OSError as error:
                log.write(f"#{n} ← no response from the server: {error!r}")
                self.send_error(502, f"tap.py: server unreachable: {error}")
                return
            self.send_response_only(response.status, response.reason)
            length = response.getheader("Content-Length")
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            heads = "\n".join(f"    {k}: {v}" for k, v in response.getheaders())
            if length is not None or self.command == "HEAD" or response.status in (204, 304):
                payload = response.read()
                self.end_headers()
                self.wfile.write(payload)
                ms = (time.monotonic() - started) * 1000
                log.write(f"#{n} ← {response.status} {response.reason} ({ms:.0f} ms)\n{heads}\n    {shorten(payload)}")
            else:
                # A stream (SSE): pass each piece on at once, chunked.
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                log.write(f"#{n} ← {response.status} {response.reason}, streamed\n{heads}")
                try:
                    while piece := response.read1(65536):
                        log.write(f"#{n} ← stream: {shorten(piece)}")
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                    log.write(f"#{n} ← end of stream")
                except OSError as error:
                    log.write(f"#{n} ← stream broken: {error!r}")
                    self.close_connection = True
            conn.close()

        def _read_chunked(self) -> bytes:
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_OPTIONS = do_HEAD = forward

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    path = target.path or "/"
    url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    with open(url_file + ".tmp", "w", encoding="utf-8") as f:
        f.write(url + "\n")
    os.replace(url_file + ".tmp", url_file)
    log.write(f"tap listening on {url}, forwarding to {upstream}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


def run_stdio(command: list[str], log: Log, log_path: str) -> int:
    os.environ.setdefault("NO_COLOR", "1")  # SDKs pass a filtered environment; keep the log plain
    with open(log_path + ".stderr", "ab") as stderr:
        child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
    log.write(f"started {command} as pid {child.pid}")

    def stop(signum: int, _frame: object) -> None:
        log.write(f"tap got signal {signum}; passing it on")
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def to_child() -> None:
        assert child.stdin is not None
        try:
            for line in sys.stdin.buffer:
                log.write(f"→ {shorten(line)}")
                child.stdin.write(line)
                child.stdin.flush()
        except (BrokenPipeError, ValueError, OSError) as error:
            log.write(f"→ cannot write to the server: {error!r}")
        log.write("→ client closed stdin")
        try:
            child.stdin.close()
        except OSError:
            pass

    def from_child() -> None:
        assert child.stdout is not None
        out = sys.stdout.buffer
        for line in child.stdout:
            log.write(f"← {shorten(line)}")
            try:
                out.write(line)
                out.flush()
            except (BrokenPipeError, OSError):
                log.write("← client stopped reading")
                break

    threading.Thread(target=to_child, daemon=True).start()
    reader = threading.Thread(target=from_child, daemon=True)
    reader.start()
    code = child.wait()
    reader.join(timeout=5)
    log.write(f"server exited with {code}")
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    http_mode = sub.add_parser("http")
    http_mode.add_argument("--upstream", required=True)
    http_mode.add_argument("--log", required=True)
    http_mode.add_argument("--url-file", required=True)
    stdio_mode = sub.add_parser("stdio")
    stdio_mode.add_argument("--log", required=True)
    stdio_mode.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    log = Log(args.log)
    if args.mode == "http":
        run_http(args.upstream, log, args.url_file)
    else:
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not command:
            parser.error("stdio needs a command after --")
        sys.exit(run_stdio(command, log, args.log))


if __name__ == "__main__":
    main()
