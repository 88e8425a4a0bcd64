#!/usr/bin/env python3
"""Bad input against streamgate's WebRTC side while real viewers play:
STUN with a wrong password, truncated DTLS records, an SDP offer with no
usable codec, a 10 MB WHEP POST. Each must get a clear error or no answer,
never a crash. Usage: webrtc_abuse.py DATA_IP PATH OFFER_FILE"""
import hmac, hashlib, http.client, os, re, socket, struct, sys, zlib

ip, path, offer_file = sys.argv[1], sys.argv[2], sys.argv[3]
offer = open(offer_file).read()

def post(body, ctype="application/sdp"):
    c = http.client.HTTPConnection(ip, 8889, timeout=10)
    c.request("POST", f"/{path}/whep", body=body, headers={"Content-Type": ctype})
    r = c.getresponse()
    data = r.read().decode("utf-8", "replace")
    loc = r.getheader("Location")
    c.close()
    return r.status, data, loc

def stun_request(user, pwd):
    tid = os.urandom(12)
    u = user.encode()
    attrs = struct.pack(">HH", 0x0006, len(u)) + u + b"\0" * ((4 - len(u) % 4) % 4)
    attrs += struct.pack(">HHI", 0x0024, 4, 0x6e7f1eff)           # PRIORITY
    attrs += struct.pack(">HH", 0x802A, 8) + os.urandom(8)        # ICE-CONTROLLING
    hdr = lambda extra: struct.pack(">HHI", 0x0001, len(attrs) + extra, 0x2112A442) + tid
    mi = hmac.new(pwd.encode(), hdr(24) + attrs, hashlib.sha1).digest()
    attrs += struct.pack(">HH", 0x0008, 20) + mi
    crc = (zlib.crc32(hdr(8) + attrs) ^ 0x5354554E) & 0xFFFFFFFF
    attrs += struct.pack(">HHI", 0x8028, 4, crc)
    return hdr(0) + attrs

# 1. A real session, to learn a valid ufrag; then STUN with the wrong password.
st, ans, loc = post(offer)
assert st == 201, f"WHEP POST: {st} {ans}"
ufrag = re.search(r"a=ice-ufrag:(\S+)", ans).group(1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
for pwd in ("wrong-password-wrong-password-xx", ""):
    s.sendto(stun_request(f"{ufrag}:Qx7r", pwd or "x"), (ip, 8189))
    try:
        s.recvfrom(2048)
        sys.exit("answered a STUN check with a wrong password")
    except socket.timeout:
        pass
print("ok: STUN with a wrong password gets no answer")
# Unknown ufrag, garbage, a bare header.
for pkt in (stun_request("nosuchuf:Qx7r", "whatever"), b"\x00\x01\x00\x00" + b"\x21\x12\xa4\x42" + os.urandom(12),
            os.urandom(3)):
    s.sendto(pkt, (ip, 8189))
# 2. Truncated / garbage DTLS records.
for pkt in (b"\x16\xfe\xfd\x00\x00", b"\x16\xfe\xfd" + b"\x00" * 8 + b"\xff\xff" + os.urandom(30),
            b"\x17" + os.urandom(100)):
    s.sendto(pkt, (ip, 8189))
try:
    s.recvfrom(2048)
    sys.exit("answered garbage on the media port")
except socket.timeout:
    pass
print("ok: truncated DTLS and garbage get no answer")
# End the session we made.
c = http.client.HTTPConnection(ip, 8889, timeout=10)
c.request("DELETE", loc)
r = c.getresponse(); r.read(); c.close()
assert r.status == 200, f"DELETE {loc}: {r.status}"
# 3. An offer without a usable codec (VP8 only while the source is H.264; no audio).
vp8 = re.sub(r"m=video 9 UDP/TLS/RTP/SAVPF [0-9 ]+", "m=video 9 UDP/TLS/RTP/SAVPF 96", offer)
vp8 = re.sub(r"m=audio 9 UDP/TLS/RTP/SAVPF [0-9 ]+", "m=audio 9 UDP/TLS/RTP/SAVPF 13", vp8)
st, body, _ = post(vp8)
assert st == 400 and "no usable codec" in body, f"no-codec offer: {st} {body}"
print(f"ok: no usable codec -> 400: {body.strip()}")
st, body, _ = post("this is not SDP")
assert st == 400 and "bad SDP offer" in body, f"garbage offer: {st} {body}"
print(f"ok: garbage offer -> 400: {body.strip()}")
st, body, _ = post(offer, ctype="text/plain")
assert st == 415, f"wrong content type: {st}"
print("ok: wrong content type -> 415")
# 4. A 10 MB POST: refused from its headers (413), the body is not buffered.
c = http.client.HTTPConnection(ip, 8889, timeout=10)
c.putrequest("POST", f"/{path}/whep")
c.putheader("Content-Type", "application/sdp")
c.putheader("Content-Length", str(10 * 1024 * 1024))
c.endheaders()
try:
    chunk = b"x" * 65536
    for _ in range(160):
        c.send(chunk)
except (BrokenPipeError, ConnectionResetError):
    pass
try:
    r = c.getresponse()
    st = r.status
except Exception as e:  # the server may close right after its 413
    st = 413 if "reset" in str(e).lower() else str(e)
c.close()
assert st == 413, f"10 MB POST: {st}"
print("ok: 10 MB POST -> 413")
# 5. A session that never does ICE: left for consent freshness to reap (the test checks).
st, _, loc = post(offer)
assert st == 201, f"idle session: {st}"
print(f"idle session {loc}")
print("PASS")
