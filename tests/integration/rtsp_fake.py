#!/usr/bin/env python3
"""A misbehaving RTSP "camera" for the ingest tests. One listener per mode:
  rtsp_fake.py --addr 198.18.0.2 silent:8601 garbage:8602 ...
Modes:
  silent     valid OPTIONS/DESCRIBE/SETUP/PLAY (TCP), then never sends media
  garbage    answers with binary garbage
  hugehdr    a 20 KiB header line
  badlen     DESCRIBE answer with Content-Length: 99999999999
  badsdp     DESCRIBE answer whose body is not SDP
  badframe   plays, then sends a '$' frame of length 0
  badrtp     plays, then sends RTP with version 1, a CSRC count past the end,
             bad padding, mixed with valid packets (kept going)
Prints READY once every listener is up.
"""
import socket
import struct
import sys
import threading
import time

SDP = ("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=fake\r\nt=0 0\r\na=control:*\r\n"
       "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
       "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=control:trackID=0\r\n")


def reply(conn, cseq, extra="", body=b""):
    head = f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n{extra}"
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    conn.sendall(head.encode() + b"\r\n" + body)


def read_request(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            return None
        line = line.decode(errors="replace").rstrip("\r\n")
        if not line:
            if lines:
                break
            continue
        lines.append(line)
    hdr = {}
    for h in lines[1:]:
        k, _, v = h.partition(":")
        hdr[k.strip().lower()] = v.strip()
    n = int(hdr.get("content-length", "0") or 0)
    if n:
        f.read(n)
    return lines[0].split(" ")[0], hdr


def rtp(seq, ts, payload, v=2, cc=0, pad=False, padlen=0):
    b0 = (v << 6) | (0x20 if pad else 0) | cc
    pkt = struct.pack("!BBHII", b0, 96, seq & 0xFFFF, ts, 0x1234) + payload
    if pad:
        pkt += bytes(padlen)  # last byte = padlen (0 when padlen 0: invalid)
    return pkt


def frame(ch, data):
    return b"$" + bytes([ch]) + struct.pack("!H", len(data)) + data


def serve(conn, mode):
    f = conn.makefile("rb")
    while True:
        req = read_request(f)
        if req is None:
            return
        method, hdr = req
        cseq = hdr.get("cseq", "0")
        if mode == "garbage":
            conn.sendall(bytes(range(256)) * 4)
            time.sleep(0.5)
            return
        if mode == "hugehdr":
            conn.sendall(f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nX-Big: {'A' * 20480}\r\n\r\n".encode())
            time.sleep(0.5)
            return
        if method == "OPTIONS":
            reply(conn, cseq, "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER\r\n")
        elif method == "DESCRIBE":
            if mode == "badlen":
                conn.sendall(f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\nContent-Length: 99999999999\r\n\r\nv=0\r\n".encode())
                time.sleep(0.5)
                return
            body = b"this is \x01 not sdp at all\r\nm=video\r\n" if mode == "badsdp" else SDP.encode()
            reply(conn, cseq, "Content-Type: application/sdp\r\n", body)
        elif method == "SETUP":
            reply(conn, cseq, "Session: 12345678;timeout=60\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n")
        elif method == "PLAY":
            reply(conn, cseq, "Session: 12345678\r\n")
            if mode == "badframe":
                conn.sendall(b"$\x00\x00\x00")
            elif mode == "badrtp":
                threading.Thread(target=send_bad_rtp, args=(conn,), daemon=True).start()
        elif method == "TEARDOWN":
            reply(conn, cseq, "Session: 12345678\r\n")
            return
        else:
            reply(conn, cseq, "Session: 12345678\r\n")


def send_bad_rtp(conn):
    seq, ts = 1, 0
    idr = bytes([0x65, 0x88, 0x84, 0x00])
    try:
        while True:
            good = rtp(seq, ts, idr + bytes(100))
            bad = [rtp(seq, ts, b"\x41abc", v=1),                     # version 1
                   rtp(seq, ts, b"", cc=15),                          # CSRC list past the end
                   rtp(seq, ts, b"\x41abcd", pad=True, padlen=0)]     # padding count 0
            conn.sendall(frame(0, good) + b"".join(frame(0, b) for b in bad))
            seq += 1
            ts += 3000
            time.sleep(0.04)
    except OSError:
        return


def listen(addr, mode, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)

    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=lambda: guarded(c, mode), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()


def guarded(c, mode):
    try:
        serve(c, mode)
    except OSError:
        pass
    finally:
        c.close()


def main():
    addr = "0.0.0.0"
    args = sys.argv[1:]
    if args[:1] == ["--addr"]:
        addr, args = args[1], args[2:]
    for a in args:
        mode, port = a.split(":")
        listen(addr, mode, int(port))
    print("READY", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
