"""Checks shared by the sg-loadgen integration tests (test_loadgen.sh,
test_multiworker.sh): the load generator's verdict and streamgate's counters
from `streamgatectl --json` snapshots saved as <dir>/<what>-<tag>.json."""
import json


class Checks:
    def __init__(self):
        self.fails = []

    def check(self, desc, cond):
        print(("    ok: " if cond else "    FAIL: ") + desc, flush=True)
        if not cond:
            self.fails.append(desc)

    def exit_code(self):
        return 1 if self.fails else 0


def ctr(d, tag, name):
    """A fast-path counter summed over ports, from stats-<tag>.json."""
    rows = json.load(open(f"{d}/stats-{tag}.json"))["counters"]
    return sum(r["value"] for r in rows if r["counter"] == name)


def lcores(d, tag):
    return json.load(open(f"{d}/lcores-{tag}.json"))["lcores"]


def loadgen(c, L, n, minp, every_viewer_ok_desc="every viewer within the loss threshold"):
    """sg-loadgen's summary: all connected, every packet decrypted, nothing lost or forged."""
    pv = L["per_viewer"]
    print(f"    loadgen: {L['connected']}/{L['viewers']} connected, {L['rtp_packets']} RTP decrypted, "
          f"lost {L['lost']} of {L['expected']}, reordered {L['reordered']}, auth_fail {L['auth_fail']}, "
          f"replay {L['replay']}, per viewer min/p50/max {L['packets_per_viewer']}, "
          f"connect ms {L['connect_ms']}, Mbit/s per viewer {L['mbps_per_viewer']}")
    c.check(f"all {n} viewers connected", L["connected"] == n and L["failed"] == 0)
    c.check(f"every viewer decrypted >= {minp} RTP packets", all(v["rtp"] >= minp for v in pv))
    c.check("zero SRTP authentication failures", L["auth_fail"] == 0)
    c.check(every_viewer_ok_desc, all(v["ok"] for v in pv))
    c.check("two SSRCs (video, audio) per viewer", all(v["ssrcs"] == 2 for v in pv))
    c.check("sg-loadgen verdict ok", L["ok"])


SRTP_NAMES = {"gcm": "AEAD_AES_128_GCM", "gcm256": "AEAD_AES_256_GCM",
              "cm80": "AES128_CM_HMAC_SHA1_80", "cm32": "AES128_CM_HMAC_SHA1_32"}


def profiles(c, L, srtp):
    """Viewer i offered entry i % len of the --srtp list: it must have got that profile."""
    want = [SRTP_NAMES[p] for p in srtp.split(",")]
    got = {}
    for v in L["per_viewer"]:
        got[v["profile"]] = got.get(v["profile"], 0) + 1
    print(f"    SRTP profiles negotiated: {got}")
    c.check("each viewer got the SRTP profile it offered (" + srtp + ")",
            all(v["profile"] == want[i % len(want)] for i, v in enumerate(L["per_viewer"])))


def fastpath(c, d, L):
    """Between snapshots a and b: sent >= decrypted, and no fast-path drop."""
    fan = ctr(d, "b", "fanout_pkts") - ctr(d, "a", "fanout_pkts")
    drops = {k: ctr(d, "b", k) - ctr(d, "a", k) for k in ("no_mbuf", "tx_full", "ring_full", "srtp_fail")}
    print(f"    streamgate: fanout_pkts +{fan}, drops {drops}")
    c.check("no fast-path drops (no_mbuf, tx_full, ring_full, srtp_fail)", sum(drops.values()) == 0)
    c.check("streamgate sent at least what the viewers decrypted", fan >= L["rtp_packets"])
    return fan
