/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate lib/rtp: RTP/RTCP parsing and building, receive statistics,
 * keyframe detection and parameter-set caching.
 *
 * Pure C, no DPDK. Nothing in this library allocates, locks, logs or makes a
 * system call, so every function may be called from the fast path; the
 * per-packet header parse and the header rewrite helpers are static inlines
 * in sg_rtp_fp.h.
 *
 * References: RFC 3550 (RTP/RTCP), RFC 8285 (header extensions), RFC 4585
 * (AVPF feedback), RFC 5104 (FIR), RFC 5506 (reduced-size RTCP), RFC 5761
 * (RTP/RTCP mux), RFC 6184 (H.264), RFC 7798 (H.265), RFC 7741 (VP8),
 * RFC 9628 (VP9), the AOMedia "RTP Payload Format for AV1" (AV1).
 */
#ifndef SG_RTP_H
#define SG_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* RTP header (RFC 3550 §5.1)                                         */
/* ------------------------------------------------------------------ */

#define SG_RTP_VERSION 2
#define SG_RTP_HDR_LEN 12       /**< fixed header */
#define SG_RTP_MAX_CSRC 15      /**< CC is 4 bits */
#define SG_RTP_EXT_ONE_BYTE 0xBEDE /**< RFC 8285 §4.2 profile */
#define SG_RTP_EXT_TWO_BYTE 0x1000 /**< RFC 8285 §4.3 profile, low 4 bits = appbits */

/**
 * Reasons an RTP packet is rejected, with the negative errno each maps to
 * (every reason has a distinct errno) and a human-readable text. Use with
 * sg_rtp_drop_from_err() to count drops by reason:
 *
 *   uint64_t drops[SG_RTP_DROP__MAX];
 *   int rc = sg_rtp_hdr_parse(p, len, &h);
 *   if (rc < 0) drops[sg_rtp_drop_from_err(rc)]++;
 */
#define SG_RTP_ERRORS(_)                                                   \
	_(TOO_SHORT,   EMSGSIZE,  "shorter than the 12-byte fixed header")  \
	_(BAD_VERSION, EBADMSG,   "version is not 2")                       \
	_(CSRC_TRUNC,  EOVERFLOW, "CSRC list runs past the packet")         \
	_(EXT_TRUNC,   ERANGE,    "header extension runs past the packet")  \
	_(BAD_EXT,     EILSEQ,    "malformed RFC 8285 extension element")   \
	_(BAD_PADDING, EPROTO,    "padding count is zero or exceeds payload")

enum sg_rtp_drop {
#define SG_RTP_DROP_ENUM_(n, e, s) SG_RTP_DROP_##n,
	SG_RTP_ERRORS(SG_RTP_DROP_ENUM_)
#undef SG_RTP_DROP_ENUM_
	SG_RTP_DROP__MAX
};

/** Text of a drop reason ("?" when out of range). */
const char *sg_rtp_drop_name(enum sg_rtp_drop d);

/**
 * Map a negative errno returned by sg_rtp_hdr_parse() to its drop reason.
 * Values that are not one of SG_RTP_ERRORS map to SG_RTP_DROP__MAX, so
 * size counter arrays SG_RTP_DROP__MAX + 1 or check before indexing.
 */
enum sg_rtp_drop sg_rtp_drop_from_err(int err);

/** A parsed RTP header. Offsets are from the start of the packet. */
struct sg_rtp_hdr {
	uint8_t version;
	bool padding;
	bool ext;
	uint8_t cc;             /**< CSRC count */
	bool marker;
	uint8_t pt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint16_t ext_profile;   /**< "defined by profile" field when ext */
	uint32_t ext_off;       /**< offset of extension data (after its 4-byte header) */
	uint32_t ext_len;       /**< extension data length in bytes (4 * length field) */
	uint32_t payload_off;
	uint32_t payload_len;   /**< excludes padding */
	uint8_t pad_len;        /**< padding bytes removed (incl. the count byte) */
};

/**
 * Parse and validate an RTP header (RFC 3550 §5.1, §5.3.1, RFC 8285).
 * Out-of-line twin of sg_rtp_fp_hdr_parse() in sg_rtp_fp.h.
 * Returns the payload offset (>= 12) on success, or:
 *  -EMSGSIZE  shorter than 12 bytes;
 *  -EBADMSG   version != 2;
 *  -EOVERFLOW the CSRC list runs past the packet;
 *  -ERANGE    the header extension runs past the packet;
 *  -EILSEQ    an RFC 8285 one-/two-byte element runs past its block;
 *  -EPROTO    P bit set and the last byte is 0 or larger than the payload.
 */
int sg_rtp_hdr_parse(const uint8_t *pkt, size_t len, struct sg_rtp_hdr *h);

/** One RFC 8285 header extension element. */
struct sg_rtp_ext_elem {
	uint8_t id;             /**< 1..14 (one-byte) or 1..255 (two-byte) */
	uint8_t len;            /**< data length, 0..255 */
	const uint8_t *data;
};

/**
 * Iterate over RFC 8285 extension elements of a packet parsed by
 * sg_rtp_hdr_parse(). *pos starts at 0 and is advanced by the call.
 * Padding bytes (0) are skipped; a one-byte element with ID 15 ends the
 * walk (RFC 8285 §4.2). Returns 1 with *e filled, 0 at the end (also when
 * the packet has no extension or an unknown profile), or -EILSEQ when an
 * element runs past the extension block.
 */
int sg_rtp_ext_next(const uint8_t *pkt, const struct sg_rtp_hdr *h, uint32_t *pos,
		    struct sg_rtp_ext_elem *e);

/**
 * Find the element with a given ID. Returns its length (>= 0) with *data
 * set, -ENOENT when absent, or -EILSEQ for a malformed block.
 */
int sg_rtp_ext_find(const uint8_t *pkt, const struct sg_rtp_hdr *h, uint8_t id,
		    const uint8_t **data);

/* ------------------------------------------------------------------ */
/* RTCP (RFC 3550 §6, RFC 4585, RFC 5104)                              */
/* ------------------------------------------------------------------ */

enum sg_rtcp_pt {
	SG_RTCP_SR = 200,
	SG_RTCP_RR = 201,
	SG_RTCP_SDES = 202,
	SG_RTCP_BYE = 203,
	SG_RTCP_APP = 204,
	SG_RTCP_RTPFB = 205,
	SG_RTCP_PSFB = 206,
	SG_RTCP_XR = 207,
};

#define SG_RTCP_MAX_RB 31      /**< RC is 5 bits */

/** One RTCP packet inside a compound packet. */
struct sg_rtcp_pkt {
	uint8_t pt;
	uint8_t count;          /**< RC / SC / FMT field (5 bits) */
	bool padding;
	const uint8_t *p;       /**< start of the packet (common header) */
	uint32_t len;           /**< bytes, header included, padding excluded */
};

/** Iterator over a compound RTCP packet. */
struct sg_rtcp_iter {
	const uint8_t *buf;
	uint32_t len;
	uint32_t off;
};

/**
 * Start iterating a compound RTCP packet. Returns 0, -EMSGSIZE if shorter
 * than one 4-byte header, -EBADMSG if the first packet is not version 2.
 * Reduced-size RTCP (RFC 5506) is accepted: the first packet need not be
 * SR/RR.
 */
int sg_rtcp_iter_init(struct sg_rtcp_iter *it, const uint8_t *buf, size_t len);

/**
 * Next packet of the compound (RFC 3550 §6.4.1 / A.2 validity checks).
 * Returns 1 with *p filled, 0 at the end, or:
 *  -EBADMSG  version != 2;
 *  -EMSGSIZE the length field runs past the compound, or < 4 bytes left;
 *  -EPROTO   padding on a packet that is not the last one, or a padding
 *            count of 0 or larger than the packet body.
 * After an error the iterator stays at the bad packet (returns it again).
 */
int sg_rtcp_iter_next(struct sg_rtcp_iter *it, struct sg_rtcp_pkt *p);

/** Report block (RFC 3550 §6.4.1). */
struct sg_rtcp_rb {
	uint32_t ssrc;
	uint8_t fraction_lost;  /**< fixed point /256 */
	int32_t cum_lost;       /**< 24-bit signed */
	uint32_t ext_high_seq;
	uint32_t jitter;        /**< timestamp units */
	uint32_t lsr;           /**< middle 32 bits of the last SR's NTP time */
	uint32_t dlsr;          /**< 1/65536 s */
};

/** Sender report or receiver report. */
struct sg_rtcp_report {
	bool is_sr;
	uint32_t ssrc;
	uint64_t ntp;           /**< SR only: NTP timestamp (32.32) */
	uint32_t rtp_ts;        /**< SR only */
	uint32_t pkt_count;     /**< SR only */
	uint32_t octet_count;   /**< SR only */
	uint8_t rb_count;
	struct sg_rtcp_rb rb[SG_RTCP_MAX_RB];
};

/**
 * Parse an SR (§6.4.1) or RR (§6.4.2). Profile-specific extension bytes
 * after the report blocks are ignored. Returns 0, -EINVAL if p is neither
 * SR nor RR, -EMSGSIZE if the packet is too short for its RC.
 */
int sg_rtcp_report_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_report *r);

/** SDES item types (§6.5). */
enum sg_rtcp_sdes_type {
	SG_RTCP_SDES_END = 0, SG_RTCP_SDES_CNAME, SG_RTCP_SDES_NAME, SG_RTCP_SDES_EMAIL,
	SG_RTCP_SDES_PHONE, SG_RTCP_SDES_LOC, SG_RTCP_SDES_TOOL, SG_RTCP_SDES_NOTE,
	SG_RTCP_SDES_PRIV,
};

/** One SDES item. data is not NUL-terminated. */
struct sg_rtcp_sdes_item {
	uint32_t ssrc;          /**< SSRC/CSRC of the chunk */
	uint8_t type;
	uint8_t len;
	const uint8_t *data;
};

/** Iterator state over SDES chunks; zero-initialise before the first call. */
struct sg_rtcp_sdes_iter {
	uint32_t off;
	uint32_t chunk;         /**< chunks started so far */
	uint32_t ssrc;
	bool in_chunk;
};

/**
 * Next SDES item (§6.5). Returns 1 with *item filled, 0 after the last
 * chunk, -EINVAL if p is not SDES, -EMSGSIZE if an item or chunk runs past
 * the packet, -EPROTO if the packet holds fewer chunks than SC says.
 */
int sg_rtcp_sdes_next(const struct sg_rtcp_pkt *p, struct sg_rtcp_sdes_iter *it,
		      struct sg_rtcp_sdes_item *item);

/** BYE (§6.6). */
struct sg_rtcp_bye {
	uint8_t count;
	uint32_t ssrc[SG_RTCP_MAX_RB];
	uint8_t reason_len;
	const uint8_t *reason;  /**< not NUL-terminated; NULL if absent */
};

/** Returns 0, -EINVAL if not BYE, -EMSGSIZE if SSRCs or reason overrun. */
int sg_rtcp_bye_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_bye *b);

/** APP (§6.7). */
struct sg_rtcp_app {
	uint8_t subtype;
	uint32_t ssrc;
	char name[5];           /**< 4 ASCII chars + NUL */
	const uint8_t *data;
	uint32_t len;
};

/** Returns 0, -EINVAL if not APP, -EMSGSIZE if shorter than 12 bytes. */
int sg_rtcp_app_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_app *a);

/** What a feedback message (RTPFB/PSFB) is. */
enum sg_rtcp_fb_kind {
	SG_RTCP_FB_OTHER = 0,   /**< valid but not interpreted */
	SG_RTCP_FB_NACK,        /**< RTPFB FMT 1, RFC 4585 §6.2.1 */
	SG_RTCP_FB_TWCC,        /**< RTPFB FMT 15 (transport-wide CC), not interpreted */
	SG_RTCP_FB_PLI,         /**< PSFB FMT 1, RFC 4585 §6.3.1 */
	SG_RTCP_FB_FIR,         /**< PSFB FMT 4, RFC 5104 §4.3.1 */
	SG_RTCP_FB_REMB,        /**< PSFB FMT 15 "REMB", ignored */
};

/** Generic feedback message (RFC 4585 §6.1). */
struct sg_rtcp_fb {
	uint8_t pt;             /**< 205 or 206 */
	uint8_t fmt;
	enum sg_rtcp_fb_kind kind;
	uint32_t sender_ssrc;
	uint32_t media_ssrc;
	const uint8_t *fci;
	uint32_t fci_len;
};

/**
 * Parse a feedback message. Returns 0, -EINVAL if p is not RTPFB/PSFB,
 * -EMSGSIZE if shorter than 12 bytes, -EPROTO when the FCI size does not
 * fit the kind (NACK: multiple of 4, at least one; FIR: multiple of 8, at
 * least one). PLI FCI is ignored if present; REMB and unknown FMTs are
 * returned as such without interpretation.
 */
int sg_rtcp_fb_parse(const struct sg_rtcp_pkt *p, struct sg_rtcp_fb *fb);

/**
 * Expand one generic NACK FCI (PID + BLP, RFC 4585 §6.2.1) into sequence
 * numbers: seqs[0] = pid, then pid+i+1 for every set bit i of blp.
 * Returns the count (1..17). seqs must hold 17 entries.
 */
unsigned sg_rtcp_nack_expand(uint16_t pid, uint16_t blp, uint16_t seqs[17]);

/**
 * Expand every FCI of a NACK into lost sequence numbers, in order.
 * Writes at most max entries and returns the total count (like snprintf:
 * a result > max means seqs was too small). Returns -EINVAL if fb is not
 * a NACK.
 */
int sg_rtcp_nack_seqs(const struct sg_rtcp_fb *fb, uint16_t *seqs, size_t max);

/**
 * FIR entry idx (RFC 5104 §4.3.1.1). Returns 0, -EINVAL if fb is not FIR,
 * -ENOENT if idx is past the last entry.
 */
int sg_rtcp_fir_entry(const struct sg_rtcp_fb *fb, unsigned idx, uint32_t *ssrc,
		      uint8_t *seq_nr);

/*
 * Builders. Each writes one RTCP packet at buf and returns its length in
 * bytes (a multiple of 4), or -ENOSPC when cap is too small (nothing
 * useful is written), or -EINVAL for bad arguments. Append packets one
 * after another to form a compound packet (RFC 3550 §6.1: start with SR or
 * RR, include SDES CNAME).
 */

/** RR with n report blocks (n <= 31). */
int sg_rtcp_build_rr(uint8_t *buf, size_t cap, uint32_t ssrc,
		     const struct sg_rtcp_rb *rb, unsigned n);

/** SR (sender info from r: ssrc, ntp, rtp_ts, pkt_count, octet_count, rb). */
int sg_rtcp_build_sr(uint8_t *buf, size_t cap, const struct sg_rtcp_report *r);

/** SDES with one chunk holding a CNAME item (cname length 1..255). */
int sg_rtcp_build_sdes_cname(uint8_t *buf, size_t cap, uint32_t ssrc, const char *cname);

/** BYE for one SSRC, without reason. */
int sg_rtcp_build_bye(uint8_t *buf, size_t cap, uint32_t ssrc);

/** PLI (RFC 4585 §6.3.1). */
int sg_rtcp_build_pli(uint8_t *buf, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc);

/** FIR with one entry (RFC 5104 §4.3.1). */
int sg_rtcp_build_fir(uint8_t *buf, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc,
		      uint8_t seq_nr);

/**
 * Generic NACK (RFC 4585 §6.2.1) for n sequence numbers (1 <= n <= 1024).
 * Consecutive numbers within 16 of a PID share its BLP; each jump starts a
 * new FCI. Give the numbers in ascending (modulo 2^16) order for the
 * tightest packing; any order is correct.
 */
int sg_rtcp_build_nack(uint8_t *buf, size_t cap, uint32_t sender_ssrc, uint32_t media_ssrc,
		       const uint16_t *seqs, unsigned n);

/* ------------------------------------------------------------------ */
/* Receive statistics (RFC 3550 Appendix A.1, A.3, A.8)                */
/* ------------------------------------------------------------------ */

#define SG_RTP_MAX_DROPOUT 3000
#define SG_RTP_MAX_MISORDER 100
#define SG_RTP_MIN_SEQUENTIAL 2

/** Per-source receive state. Initialise with sg_rtp_stats_init(). */
struct sg_rtp_stats {
	uint32_t clock_rate;
	bool started;           /**< first packet seen */
	uint16_t max_seq;
	uint32_t cycles;        /**< shifted count of wraps (multiple of 65536) */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint32_t probation;
	uint32_t received;
	uint32_t expected_prior;
	uint32_t received_prior;
	bool transit_valid;
	uint32_t transit;
	uint32_t jitter_q4;     /**< jitter * 16 (A.8 integer form) */
	uint64_t bad;           /**< packets rejected for a very large jump */
};

/** Reset for a new source with the given RTP clock rate (Hz, > 0). */
void sg_rtp_stats_init(struct sg_rtp_stats *s, uint32_t clock_rate);

/**
 * Account one packet (A.1 update_seq, then A.8 jitter for valid packets).
 * arrival_ns is the arrival time on any monotonic clock in nanoseconds.
 * Returns 1 when the packet is valid for the source, 0 while in probation
 * or for a very large jump (the caller should treat it as invalid).
 */
int sg_rtp_stats_update(struct sg_rtp_stats *s, uint16_t seq, uint32_t rtp_ts,
			uint64_t arrival_ns);

/** Extended highest sequence number received (A.3). */
uint32_t sg_rtp_stats_ext_max(const struct sg_rtp_stats *s);

/** Packets expected (A.3). */
uint32_t sg_rtp_stats_expected(const struct sg_rtp_stats *s);

/** Cumulative packets lost (A.3), clamped to 24-bit signed. */
int32_t sg_rtp_stats_lost(const struct sg_rtp_stats *s);

/** Interarrival jitter in timestamp units (A.8). */
uint32_t sg_rtp_stats_jitter(const struct sg_rtp_stats *s);

/**
 * Fill a report block for this source (A.3): fraction lost since the last
 * call, cumulative lost, extended highest seq, jitter; lsr/dlsr as given.
 * Updates the "prior" counters, so call exactly once per report sent.
 */
void sg_rtp_stats_report_block(struct sg_rtp_stats *s, uint32_t ssrc, uint32_t lsr,
			       uint32_t dlsr, struct sg_rtcp_rb *rb);

/* ------------------------------------------------------------------ */
/* Keyframe detection and parameter sets                               */
/* ------------------------------------------------------------------ */

enum sg_rtp_codec {
	SG_RTP_CODEC_H264 = 0,
	SG_RTP_CODEC_H265,
	SG_RTP_CODEC_VP8,
	SG_RTP_CODEC_VP9,
	SG_RTP_CODEC_AV1,
	SG_RTP_CODEC__MAX
};

/** Flags returned by sg_rtp_kf_detect(). */
enum {
	/** Packet carries the start of a keyframe / random access picture
	 *  (H.264 IDR, H.265 IRAP, VP8/VP9 key frame, AV1 new coded video
	 *  sequence). */
	SG_RTP_KF_KEY = 1u << 0,
	/** Packet carries a parameter set (H.264 SPS/PPS, H.265 VPS/SPS/PPS,
	 *  AV1 sequence header OBU). */
	SG_RTP_KF_PARAM = 1u << 1,
};

/**
 * Inspect an RTP payload for keyframe starts. Returns a mask of
 * SG_RTP_KF_* (0 for an ordinary packet or a non-start fragment), or
 * -EMSGSIZE for a payload truncated inside its descriptor/aggregation
 * structure, -EINVAL for a bad codec, -EPROTO for forbidden/reserved
 * values that make the payload unusable (H.264 F bit, H.265 F bit).
 * Handled: H.264 single NAL, STAP-A/B, FU-A/B (S bit; MTAP16/24 are not
 * inspected and report 0); H.265 single NAL, AP, FU (S bit; assumes
 * sprop-max-don-diff = 0, i.e. no DONL); VP8 descriptor + payload header
 * P bit; VP9 descriptor (B, P, SID) confirmed by the frame_type of the
 * VP9 uncompressed header when present (ffmpeg never sets P); AV1
 * aggregation header N bit, and a sequence header OBU as PARAM.
 */
int sg_rtp_kf_detect(enum sg_rtp_codec codec, const uint8_t *payload, size_t len);

#define SG_RTP_PSET_MAX 512     /**< bytes per cached parameter set */

/** Which parameter set. */
enum sg_rtp_pset_kind { SG_RTP_PSET_VPS = 0, SG_RTP_PSET_SPS, SG_RTP_PSET_PPS, SG_RTP_PSET__MAX };

/** Per-stream cache of the latest parameter sets, for late joiners. */
struct sg_rtp_pset_cache {
	enum sg_rtp_codec codec;        /**< H264 or H265 */
	uint16_t len[SG_RTP_PSET__MAX]; /**< 0 = not seen */
	uint8_t data[SG_RTP_PSET__MAX][SG_RTP_PSET_MAX];
	uint32_t generation;            /**< bumped whenever a set changes */
	uint64_t too_big;               /**< sets longer than SG_RTP_PSET_MAX dropped */
	uint64_t fragmented;            /**< sets seen only as FU starts (not cached) */
};

/** Initialise for H.264 or H.265. Returns 0 or -EINVAL for another codec. */
int sg_rtp_pset_init(struct sg_rtp_pset_cache *c, enum sg_rtp_codec codec);

/**
 * Store one NAL unit (without start code) if it is a parameter set.
 * Returns the SG_RTP_PSET_* kind bit mask changed (1 << kind), 0 if the
 * NAL is not a parameter set or is unchanged, -E2BIG if too long
 * (counted), -EMSGSIZE for an empty/too-short NAL.
 */
int sg_rtp_pset_put_nal(struct sg_rtp_pset_cache *c, const uint8_t *nal, size_t len);

/**
 * Extract parameter sets from one RTP payload (single NAL unit, H.264
 * STAP-A/STAP-B, H.265 AP). Returns the mask of sets that changed, 0 when
 * none, or a negative errno as sg_rtp_kf_detect() for a malformed payload.
 */
int sg_rtp_pset_update(struct sg_rtp_pset_cache *c, const uint8_t *payload, size_t len);

/**
 * Build an aggregation payload (H.264 STAP-A, RFC 6184 §5.7.1; H.265 AP,
 * RFC 7798 §4.4.2) holding every cached set (VPS, SPS, PPS order), to send
 * ahead of the next keyframe to a late joiner. Returns the payload length,
 * -ENOENT if the cache lacks a required set (H.264: SPS+PPS; H.265:
 * VPS+SPS+PPS), -ENOSPC if cap is too small.
 */
int sg_rtp_pset_build_agg(const struct sg_rtp_pset_cache *c, uint8_t *buf, size_t cap);

#endif /* SG_RTP_H */
