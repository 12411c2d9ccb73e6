"""A small non-Java upstream for forward-auth and proxy tests.

Every request is answered 200 with a JSON body naming what arrived: the method, the target as
sent, the headers in order and the body (chunked request bodies are read too). Special paths:
  /bytes/N      answers N bytes of 'x' (chunked, in 64 KiB writes), to test streaming downloads;
  /status/NNN   answers status NNN with the echo body.
A request with "Upgrade: websocket" gets 101 with the RFC 6455 accept key, then every byte the
client sends is echoed back unchanged (a tunnel test, not a WebSocket implementation).
Prints the port it listens on (port 0 picks a free one) as its first line.
"""
import base64
import hashlib
import json
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Echo(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return self.tunnel()
        body = self.read_body()
        if self.path.startswith("/bytes/"):
            return self.send_bytes(int(self.path[len("/bytes/"):]))
        status = 200
        if self.path.startswith("/status/"):
            status = int(self.path[len("/status/"):len("/status/") + 3])
        echo = {
            "method": self.command,
            "target": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
            "bodyLength": len(body),
        }
        payload = json.dumps(echo).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def send_bytes(self, count):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"x" * 65536
        while count > 0:
            part = chunk[: min(count, len(chunk))]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            count -= len(part)
        self.wfile.write(b"0\r\n\r\n")

    def tunnel(self):
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        while True:
            data = self.connection.recv(65536)
            if not data:
                break
            self.connection.sendall(data)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


if __name__ == "__main__":
    server = Server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Echo)
    print(server.server_address[1], flush=True)
    server.serve_forever()
