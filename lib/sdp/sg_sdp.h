/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate lib/sdp: SDP parse (RFC 8866, RFC 4566 compatible) into
 * fixed-size structs, codec descriptions, RTSP control URL resolution,
 * an SDP writer and base64. Control path, pure C, no allocation.
 *
 * struct sg_sdp is large (~360 KiB): allocate it on the heap, not on a stack.
 */
#ifndef SG_SDP_H
#define SG_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- limits: exceeding a structural limit fails with -E2BIG ---- */
#define SG_SDP_MAX_INPUT   65536  /**< bytes of SDP text */
#define SG_SDP_MAX_LINES   1024
#define SG_SDP_MAX_LINE    2048   /**< bytes per line */
#define SG_SDP_MAX_MEDIA   8
#define SG_SDP_MAX_FMT     64     /**< formats kept per m= line (more: dropped, counted) */
#define SG_SDP_MAX_FB      8      /**< rtcp-fb values per format (or wildcard) */
#define SG_SDP_MAX_BUNDLE  8
#define SG_SDP_MAX_SSRC    16     /**< a=ssrc lines per media (more: dropped, counted) */
#define SG_SDP_MAX_SSRC_GROUP 4
#define SG_SDP_MAX_CAND    16     /**< candidates per media (more: dropped, counted) */
#define SG_SDP_MAX_EXTMAP  16     /**< extmap per media (more: dropped, counted) */
#define SG_SDP_MAX_ATTR    24     /**< other attributes kept (more: dropped, counted) */

#define SG_SDP_FMTP_LEN    512
#define SG_SDP_URL_LEN     512
#define SG_SDP_ADDR_LEN    64
#define SG_SDP_TOKEN_LEN   32
#define SG_SDP_ICE_LEN     257    /**< ufrag/pwd up to 256 chars (RFC 8839) */
#define SG_SDP_FP_LEN      200    /**< fingerprint hex (sha-512 needs 191) */
#define SG_SDP_MID_LEN     64
#define SG_SDP_CAND_LEN    256
#define SG_SDP_ATTR_VAL_LEN 256
#define SG_SDP_ERR_LEN     160

enum sg_sdp_dir {
	SG_SDP_DIR_UNSET = 0,   /**< no direction attribute at this level */
	SG_SDP_DIR_SENDRECV,
	SG_SDP_DIR_SENDONLY,
	SG_SDP_DIR_RECVONLY,
	SG_SDP_DIR_INACTIVE,
};

enum sg_sdp_setup {
	SG_SDP_SETUP_UNSET = 0,
	SG_SDP_SETUP_ACTPASS,
	SG_SDP_SETUP_ACTIVE,
	SG_SDP_SETUP_PASSIVE,
	SG_SDP_SETUP_HOLDCONN,
};

enum sg_sdp_kind {
	SG_SDP_KIND_OTHER = 0,
	SG_SDP_KIND_AUDIO,
	SG_SDP_KIND_VIDEO,
	SG_SDP_KIND_APPLICATION,
};

/** c= line (RFC 8866 §5.7). */
struct sg_sdp_conn {
	bool set;
	char nettype[8];
	char addrtype[8];
	char addr[SG_SDP_ADDR_LEN];     /**< without /ttl/count */
	uint16_t ttl;                   /**< IP4 multicast TTL, 0 if absent */
};

/** Attributes shared by session and media level. */
struct sg_sdp_common {
	char control[SG_SDP_URL_LEN];   /**< a=control (RFC 2326 §C.1.1) */
	enum sg_sdp_dir dir;
	char ice_ufrag[SG_SDP_ICE_LEN];
	char ice_pwd[SG_SDP_ICE_LEN];
	char fp_hash[16];               /**< a=fingerprint hash function, e.g. "sha-256" */
	char fingerprint[SG_SDP_FP_LEN];
	enum sg_sdp_setup setup;
	uint32_t bw_as;                 /**< b=AS (kbit/s), 0 if absent */
	uint32_t bw_tias;               /**< b=TIAS (bit/s), 0 if absent */
	struct sg_sdp_conn conn;
};

/** Generic attribute kept as name/value (value "" for flags). */
struct sg_sdp_attr {
	char name[SG_SDP_TOKEN_LEN];
	char value[SG_SDP_ATTR_VAL_LEN];
};

/** One payload format of an RTP m= line. */
struct sg_sdp_fmt {
	uint8_t pt;
	bool has_rtpmap;
	char enc[SG_SDP_TOKEN_LEN];     /**< encoding name as written */
	uint32_t clock_rate;
	uint8_t channels;               /**< 0 if absent in rtpmap */
	char fmtp[SG_SDP_FMTP_LEN];     /**< raw a=fmtp parameters ("" if none) */
	uint8_t n_fb;
	char fb[SG_SDP_MAX_FB][SG_SDP_TOKEN_LEN]; /**< a=rtcp-fb values, e.g. "nack pli" */
};

/** a=ssrc:<id> <attr>[:<value>] (RFC 5576 §4.1). */
struct sg_sdp_ssrc {
	uint32_t ssrc;
	char attr[SG_SDP_TOKEN_LEN];
	char value[128];
};

/** a=extmap:<id>[/<dir>] <uri> [<ext attrs>] (RFC 8285 §5). */
struct sg_sdp_extmap {
	uint16_t id;
	enum sg_sdp_dir dir;
	char uri[128];
};

struct sg_sdp_media {
	enum sg_sdp_kind kind;
	char type[16];                  /**< "audio", "video", "application", ... */
	uint16_t port;
	uint16_t nports;                /**< 1 unless "port/n" */
	char proto[SG_SDP_TOKEN_LEN];   /**< "RTP/AVP", "UDP/TLS/RTP/SAVPF", ... */
	bool rtp;                       /**< proto contains "RTP/": formats are PTs */
	uint8_t n_fmt;
	struct sg_sdp_fmt fmt[SG_SDP_MAX_FMT];
	char fmt_raw[128];              /**< format list when !rtp (e.g. webrtc-datachannel) */
	uint8_t n_fb_any;               /**< a=rtcp-fb:* values */
	char fb_any[SG_SDP_MAX_FB][SG_SDP_TOKEN_LEN];
	struct sg_sdp_common c;
	char mid[SG_SDP_MID_LEN];
	bool rtcp_mux;
	bool rtcp_rsize;
	uint8_t n_cand;
	char cand[SG_SDP_MAX_CAND][SG_SDP_CAND_LEN]; /**< a=candidate values, raw */
	bool end_of_candidates;
	uint8_t n_ssrc;
	struct sg_sdp_ssrc ssrc[SG_SDP_MAX_SSRC];
	uint8_t n_ssrc_group;
	char ssrc_group[SG_SDP_MAX_SSRC_GROUP][128]; /**< raw, e.g. "FID 1 2" */
	uint8_t n_extmap;
	struct sg_sdp_extmap extmap[SG_SDP_MAX_EXTMAP];
	uint8_t n_attr;
	struct sg_sdp_attr attr[SG_SDP_MAX_ATTR];
};

struct sg_sdp {
	uint8_t version;                /**< v= */
	char o_user[64];                /**< o= fields */
	char o_sess_id[32];
	char o_sess_version[32];
	char o_nettype[8];
	char o_addrtype[8];
	char o_addr[SG_SDP_ADDR_LEN];
	char name[128];                 /**< s= */
	uint64_t t_start, t_stop;       /**< first t= line */
	struct sg_sdp_common c;         /**< session-level attributes */
	char range[64];                 /**< a=range (RTSP) */
	bool ice_lite;
	uint8_t n_bundle;               /**< a=group:BUNDLE mids */
	char bundle[SG_SDP_MAX_BUNDLE][SG_SDP_MID_LEN];
	uint8_t n_media;
	struct sg_sdp_media media[SG_SDP_MAX_MEDIA];
	uint8_t n_attr;
	struct sg_sdp_attr attr[SG_SDP_MAX_ATTR];
	uint32_t dropped;               /**< optional entries dropped for lack of room */
	char err[SG_SDP_ERR_LEN];       /**< "line N: ..." after a failed parse */
};

/**
 * Parse SDP text (need not be NUL-terminated) into *sdp (zeroed first).
 * Liberal: CRLF or LF line ends, trailing spaces and tabs, unknown lines
 * and attributes (kept in attr[] while room lasts) are accepted; o=, s=,
 * t= are optional. Bounded: see SG_SDP_MAX_*.
 * Returns 0, or with sdp->err describing the problem ("line N: ..."):
 *  -E2BIG  input, a line, a value or a list exceeds its limit;
 *  -EINVAL malformed v=, m=, c=, rtpmap, fmtp, rtcp-fb, extmap or ssrc
 *          line, a line that is not "<letter>=", or a NUL byte.
 */
int sg_sdp_parse(struct sg_sdp *sdp, const char *text, size_t len);

/** Format of media m with payload type pt, or NULL. */
const struct sg_sdp_fmt *sg_sdp_fmt_find(const struct sg_sdp_media *m, uint8_t pt);

/** Media whose a=mid equals mid, or NULL. */
const struct sg_sdp_media *sg_sdp_media_by_mid(const struct sg_sdp *sdp, const char *mid);

/** Effective direction of a media: media level, else session, else sendrecv. */
enum sg_sdp_dir sg_sdp_media_dir(const struct sg_sdp *sdp, const struct sg_sdp_media *m);

/** Effective connection of a media (media c= else session c=), or NULL. */
const struct sg_sdp_conn *sg_sdp_media_conn(const struct sg_sdp *sdp,
					    const struct sg_sdp_media *m);

/** Value of a kept generic attribute at media (m != NULL) or session level, or NULL. */
const char *sg_sdp_attr_get(const struct sg_sdp *sdp, const struct sg_sdp_media *m,
			    const char *name);

/** Text of a direction ("sendrecv", ...; "" when unset). */
const char *sg_sdp_dir_name(enum sg_sdp_dir d);

/* ---- fmtp parameters as a key=value list (RFC 8866 §6.15) ---- */

/**
 * Iterate over "k1=v1;k2=v2" (spaces around separators ignored, a key
 * without '=' has an empty value). *pos starts at 0. Returns 1 with key
 * and val NUL-terminated in the caller's buffers, 0 at the end, -E2BIG if
 * a key or value does not fit (klen/vlen include the NUL).
 */
int sg_sdp_fmtp_next(const char *fmtp, size_t *pos, char *key, size_t klen, char *val,
		     size_t vlen);

/**
 * Value of a parameter (key compared case-insensitively) into val.
 * Returns the value length, -ENOENT if absent, -E2BIG if it does not fit.
 */
int sg_sdp_fmtp_get(const char *fmtp, const char *key, char *val, size_t vlen);

/* ---- codec description ---- */

enum sg_sdp_codec_id {
	SG_SDP_CODEC_UNKNOWN = 0,
	SG_SDP_CODEC_H264,
	SG_SDP_CODEC_H265,
	SG_SDP_CODEC_VP8,
	SG_SDP_CODEC_VP9,
	SG_SDP_CODEC_AV1,
	SG_SDP_CODEC_OPUS,
	SG_SDP_CODEC_PCMU,
	SG_SDP_CODEC_PCMA,
	SG_SDP_CODEC_G722,
	SG_SDP_CODEC_AAC,               /**< MPEG4-GENERIC (RFC 3640) */
	SG_SDP_CODEC_RTX,
	SG_SDP_CODEC_RED,
	SG_SDP_CODEC_ULPFEC,
	SG_SDP_CODEC_TELEPHONE_EVENT,
};

#define SG_SDP_PSET_LEN 256            /**< bytes per decoded parameter set */

struct sg_sdp_codec {
	enum sg_sdp_codec_id id;
	enum sg_sdp_kind kind;
	char name[SG_SDP_TOKEN_LEN];    /**< canonical: "H264", "opus", "MPEG4-GENERIC", ... */
	uint8_t pt;
	uint32_t clock_rate;
	uint8_t channels;               /**< 1 when the rtpmap omits it for audio */
	/* H.264 (RFC 6184 §8.1) */
	int packetization_mode;         /**< 0 when absent */
	bool has_profile_level_id;
	uint32_t profile_level_id;      /**< 24 bits: profile_idc, constraints, level_idc */
	/* H.264 sprop-parameter-sets / H.265 sprop-vps/sps/pps, decoded NAL units */
	uint16_t vps_len, sps_len, pps_len;
	uint8_t vps[SG_SDP_PSET_LEN], sps[SG_SDP_PSET_LEN], pps[SG_SDP_PSET_LEN];
	/* MPEG4-GENERIC (RFC 3640 §4.1) */
	char aac_mode[24];              /**< e.g. "AAC-hbr" */
	uint16_t aac_config_len;
	uint8_t aac_config[64];         /**< AudioSpecificConfig from hex config= */
	uint8_t aac_sizelength, aac_indexlength, aac_indexdeltalength;
	/* rtx (RFC 4588): apt */
	int rtx_apt;                    /**< -1 when absent */
};

/**
 * Describe format idx of media m. Without rtpmap, static payload types of
 * RFC 3551 (0 PCMU, 8 PCMA, 9 G722, ...) are known. Returns 0 (id is
 * SG_SDP_CODEC_UNKNOWN for other encodings, name then holds the rtpmap
 * name), -ENOENT if idx is out of range or a dynamic PT lacks an rtpmap,
 * -EINVAL for an undecodable sprop-* (bad base64, a set longer than
 * SG_SDP_PSET_LEN) or config (bad hex) parameter.
 */
int sg_sdp_codec_get(const struct sg_sdp_media *m, unsigned idx, struct sg_sdp_codec *c);

/* ---- RTSP control URLs ---- */

/**
 * Resolve an a=control value against a base URL (RFC 2326 §C.1.1: the
 * Content-Base, else Content-Location, else the request URL).
 *  - control absolute ("scheme:..."): used as is;
 *  - control empty, NULL or "*": the base itself;
 *  - control starting with '/': replaces the base's path;
 *  - otherwise appended to the base with one '/' between them, as
 *    ffmpeg and live555 do (cameras rely on it; not RFC 3986 merging).
 * Returns the length written, -EINVAL for a missing/relative base when
 * needed, -ENOSPC if out is too small (outlen includes the NUL).
 */
int sg_sdp_control_resolve(const char *base, const char *control, char *out, size_t outlen);

/* ---- base64 (RFC 4648 §4) ---- */

/**
 * Decode base64 (standard alphabet; '=' padding optional; no whitespace).
 * Returns the number of bytes written, -EINVAL for a bad character or
 * length, -ENOSPC if out is too small.
 */
int sg_sdp_base64_decode(const char *in, size_t inlen, uint8_t *out, size_t outcap);

/** Encode with padding and NUL-terminate. Returns chars written (no NUL) or -ENOSPC. */
int sg_sdp_base64_encode(const uint8_t *in, size_t len, char *out, size_t outcap);

/* ---- writer ---- */

/**
 * Bounded SDP writer. Every call appends one or more CRLF-terminated lines;
 * the first failure is sticky (later calls do nothing) and is returned by
 * sg_sdp_writer_finish(). Values containing CR, LF or NUL are rejected
 * with -EINVAL (no line injection).
 */
struct sg_sdp_writer {
	char *buf;
	size_t cap;
	size_t off;
	int err;
};

/** Start writing into buf[cap] (cap > 0; the text is kept NUL-terminated). */
void sg_sdp_writer_init(struct sg_sdp_writer *w, char *buf, size_t cap);

/**
 * v=0, o=<user> <sess_id> <sess_version> IN <IP4|IP6> <addr>, s=<name>,
 * t=0 0. addr containing ':' selects IP6. user NULL means "-", name NULL
 * or "" means "-".
 */
int sg_sdp_w_session(struct sg_sdp_writer *w, const char *user, uint64_t sess_id,
		     uint64_t sess_version, const char *addr, const char *name);

/** c=IN IP4|IP6 <addr>. */
int sg_sdp_w_conn(struct sg_sdp_writer *w, const char *addr);

/** b=<type>:<value> (e.g. "AS", 2000). */
int sg_sdp_w_bandwidth(struct sg_sdp_writer *w, const char *type, uint32_t value);

/** m=<type> <port> <proto> <pt>... (n >= 1). */
int sg_sdp_w_media(struct sg_sdp_writer *w, const char *type, uint16_t port,
		   const char *proto, const uint8_t *pts, unsigned n);

/** m=<type> <port> <proto> <fmts> for non-RTP sections (e.g. "webrtc-datachannel"). */
int sg_sdp_w_media_raw(struct sg_sdp_writer *w, const char *type, uint16_t port,
		       const char *proto, const char *fmts);

/** a=rtpmap:<pt> <enc>/<clock>[/<channels>] (channels 0: omitted). */
int sg_sdp_w_rtpmap(struct sg_sdp_writer *w, uint8_t pt, const char *enc, uint32_t clock,
		    unsigned channels);

/** a=fmtp:<pt> <params>. */
int sg_sdp_w_fmtp(struct sg_sdp_writer *w, uint8_t pt, const char *params);

/** a=<name> when fmt is NULL, else a=<name>:<formatted value>. */
int sg_sdp_w_attr(struct sg_sdp_writer *w, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * rtpmap and fmtp for a codec description: H.264 packetization-mode,
 * profile-level-id and sprop-parameter-sets (base64 of sps/pps); H.265
 * sprop-vps/sps/pps; MPEG4-GENERIC streamtype/profile-level-id/mode/
 * sizelength/indexlength/indexdeltalength/config; opus minptime/useinbandfec.
 */
int sg_sdp_w_codec(struct sg_sdp_writer *w, const struct sg_sdp_codec *c);

/** Returns the text length, or the first error (-ENOSPC, -EINVAL). */
int sg_sdp_writer_finish(struct sg_sdp_writer *w);

#endif /* SG_SDP_H */
