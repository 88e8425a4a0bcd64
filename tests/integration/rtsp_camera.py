#!/usr/bin/python3
"""A test camera: gst-rtsp-server (Debian's GStreamer through Python GI)
serving an H.264 (x264, keyframe every 30 frames, one slice per picture,
SPS/PPS with every IDR) +
Opus test pattern at rtsp://ADDR:PORT/PATH, optionally behind Digest auth.

Run with Debian's /usr/bin/python3 (the GI bindings live there):
  rtsp_camera.py --addr 198.18.0.2 --port 8554 --path /cam [--user u --password p]
                 [--tls-cert cert.pem --tls-key key.pem]
With --tls-cert/--tls-key it serves RTSPS (RTSP over TLS, GnuTLS through
GIO): rtsps://ADDR:PORT/PATH.
Prints "READY" on stdout once it listens.
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="0.0.0.0")
    ap.add_argument("--port", type=int, default=8554)
    ap.add_argument("--path", default="/cam")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--gop", type=int, default=30)
    ap.add_argument("--protocols", choices=["all", "tcp", "udp"], default="all")
    ap.add_argument("--tls-cert", help="PEM certificate (chain): serve RTSPS")
    ap.add_argument("--tls-key", help="PEM private key of --tls-cert")
    a = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(a.addr)
    server.set_service(str(a.port))
    factory = GstRtspServer.RTSPMediaFactory()
    launch = (
        "( videotestsrc is-live=true pattern=ball ! "
        f"video/x-raw,width=320,height=240,framerate={a.fps}/1 ! "
        f"x264enc tune=zerolatency speed-preset=ultrafast threads=1 bitrate=400 "
        f"key-int-max={a.gop} ! "
        "video/x-h264,profile=constrained-baseline ! "
        "rtph264pay name=pay0 pt=96 config-interval=-1 "
        "audiotestsrc is-live=true wave=sine volume=0.2 ! audio/x-raw,rate=48000,channels=2 ! "
        "opusenc bitrate=32000 ! rtpopuspay name=pay1 pt=97 )"
    )
    factory.set_launch(launch)
    factory.set_shared(False)  # every client its own pipeline: sessions are independent
    proto = {
        "all": GstRtsp.RTSPLowerTrans.UDP | GstRtsp.RTSPLowerTrans.TCP,
        "tcp": GstRtsp.RTSPLowerTrans.TCP,
        "udp": GstRtsp.RTSPLowerTrans.UDP,
    }[a.protocols]
    factory.set_protocols(proto)
    auth = None
    if a.user or a.tls_cert:
        auth = GstRtspServer.RTSPAuth()
        server.set_auth(auth)
    if a.tls_cert:
        auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(a.tls_cert, a.tls_key or a.tls_cert))
        if not a.user:
            # an auth object denies everything by default: anonymous clients get a role
            token = GstRtspServer.RTSPToken()
            token.set_string("media.factory.role", "anonymous")
            auth.set_default_token(token)
            role = Gst.Structure.from_string(
                "anonymous, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0]
            factory.add_role_from_structure(role)
    if a.user:
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_digest(a.user, a.password, token)
        role = Gst.Structure.from_string(
            "user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0]
        factory.add_role_from_structure(role)
    server.get_mount_points().add_factory(a.path, factory)
    if server.attach(None) == 0:
        print("cannot listen", file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print("READY", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
