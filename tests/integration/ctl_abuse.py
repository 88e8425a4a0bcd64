#!/usr/bin/env python3
"""Bad requests on the operator socket of a running streamgate: each must get a
clear error (or a clean close) and none may disturb the daemon.
Usage: ctl_abuse.py SOCKET  -- exits non-zero on the first unexpected behaviour."""
import socket, struct, sys, time

path = sys.argv[1]

def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    return s

def recv_reply(s):
    hdr = b""
    while len(hdr) < 4:
        b = s.recv(4 - len(hdr))
        if not b:
            return None
        hdr += b
    (n,) = struct.unpack(">I", hdr)
    body = b""
    while len(body) < n:
        b = s.recv(n - len(body))
        if not b:
            break
        body += b
    return body[0], body[1:].decode("utf-8", "replace")

def request(argv, flags=0):
    body = bytes([1, flags]) + b"".join(a.encode() + b"\0" for a in argv)
    return struct.pack(">I", len(body)) + body

def expect_error(name, payload, want_substr):
    s = conn()
    s.sendall(payload)
    r = recv_reply(s)
    s.close()
    if r is None or r[0] == 0 or want_substr not in r[1]:
        sys.exit(f"{name}: expected an error containing {want_substr!r}, got {r!r}")
    print(f"ok {name}: status {r[0]}: {r[1]}")

def healthy():
    # After a connection flood the listen backlog may be full for a moment.
    for _ in range(50):
        try:
            s = conn()
            break
        except BlockingIOError:
            time.sleep(0.1)
    else:
        sys.exit("daemon does not accept connections after abuse")
    s.sendall(request(["status"]))
    r = recv_reply(s)
    s.close()
    if not r or r[0] != 0 or "version" not in r[1]:
        sys.exit(f"daemon unhealthy after abuse: {r!r}")

expect_error("unknown command", request(["frobnicate"]), "unknown command")
expect_error("oversized length", struct.pack(">I", 10 * 1024 * 1024) + b"x" * 16, "too large")
expect_error("bad version", struct.pack(">I", 9) + bytes([7, 0]) + b"status\0", "")
expect_error("missing NUL", struct.pack(">I", 8) + bytes([1, 0]) + b"status", "")
expect_error("empty command", struct.pack(">I", 3) + bytes([1, 0, 0]), "")
expect_error("bad flags", struct.pack(">I", 9) + bytes([1, 0x80]) + b"status\0", "")
expect_error("bad log level", request(["log-level", "loud"]), "unknown log level")
healthy()

# Disconnect mid-request: half a frame, then close.
s = conn(); s.sendall(request(["status"])[:5]); s.close()
# Disconnect right after a request without reading the reply.
s = conn(); s.sendall(request(["ports"])); s.close()
# Garbage bytes.
s = conn(); s.sendall(bytes(range(256)) * 4); time.sleep(0.1); s.close()
healthy()
# Many clients at once (beyond the cap), all closed, then the daemon still serves.
socks = []
for _ in range(80):
    try:
        socks.append(conn())
    except OSError:
        break
for s in socks:
    s.close()
healthy()
# Two requests on one connection.
s = conn()
s.sendall(request(["status"]) + request(["lcores"], flags=1))
a, b = recv_reply(s), recv_reply(s)
s.close()
if not a or not b or a[0] or b[0] or not b[1].lstrip().startswith("{"):
    sys.exit(f"pipelined requests failed: {a!r} {b!r}")
print("ok pipelined requests")
healthy()
print("PASS")
