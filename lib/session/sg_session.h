/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate session: the WebRTC side of a viewer on the control plane —
 * SDP offer/answer for a recvonly browser (JSEP, RFC 8829; ICE-lite RFC 8445
 * §2.5; DTLS-SRTP RFC 5763/5764; BUNDLE RFC 9143; rtcp-mux RFC 5761) and ICE
 * credentials. No I/O, no DPDK.
 */
#ifndef SG_SESSION_H
#define SG_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_sdp.h"

/** What the source offers for one media kind (video or audio). */
struct sg_session_src {
	bool present;
	enum sg_sdp_codec_id codec;     /**< H264, VP8, VP9, AV1, H265, OPUS, PCMU, PCMA, AAC ... */
	uint32_t clock_rate;
	uint8_t channels;
	int packetization_mode;         /**< H.264 */
	uint32_t profile_level_id;      /**< H.264, 0 = unknown */
};

/** Our side of the answer. */
struct sg_session_local {
	char ufrag[9];                  /**< 8 characters */
	char pwd[33];                   /**< 32 characters */
	char fingerprint[200];          /**< "sha-256 AB:CD:..." */
	char ip[64];                    /**< data IP for the host candidate */
	uint16_t port;                  /**< shared media port */
	uint32_t ssrc[2];               /**< [0] video, [1] audio */
	uint64_t sess_id;
	char cname[32];
};

/** What the negotiation decided. */
struct sg_session_nego {
	bool media[2];                  /**< [0] video accepted, [1] audio accepted */
	uint8_t pt[2];                  /**< payload type from the offer */
	char mid[2][SG_SDP_MID_LEN];
	char remote_ufrag[SG_SDP_ICE_LEN];
	char remote_pwd[SG_SDP_ICE_LEN];
	char remote_fp[220];            /**< "sha-256 AB:..." from the offer */
	char video_codec[32], audio_codec[32];
};

/**
 * Build the SDP answer to a browser's offer for a source with the given
 * video/audio. The answer is ICE-lite with one host candidate, passive DTLS
 * role (a=setup:passive), rtcp-mux, BUNDLE of the accepted media, sendonly
 * media with our SSRCs; the payload types are the offer's.
 * Video: same codec as the source; for H.264 the offered format with the
 * source's packetization-mode and, preferably, its profile (profile_idc).
 * Audio: Opus, PCMU or PCMA when the source has it; an audio section that
 * cannot be served is rejected (port 0) and video still plays.
 * Returns the answer length, or:
 *  -EINVAL    the offer is not valid SDP or lacks ICE credentials/fingerprint,
 *             or a section is not BUNDLE/rtcp-mux capable (reason says which);
 *  -ENOTSUP   no media can be served (reason names offered vs source codecs);
 *  -ENOSPC    answer_cap too small.
 * reason gets one human line for the HTTP 400 body.
 */
int sg_session_answer(const char *offer, size_t offer_len, const struct sg_session_src src[2],
		      const struct sg_session_local *local, char *answer, size_t answer_cap,
		      struct sg_session_nego *nego, char *reason, size_t reason_cap);

/**
 * Random ICE credentials (RFC 8445 §5.3: ufrag >= 24 bits, pwd >= 128 bits
 * of randomness, ice-char alphabet): ufrag 8 chars, pwd 32 chars.
 * Returns 0 or -EIO when the CSPRNG fails.
 */
int sg_session_ice_creds(char ufrag[9], char pwd[33]);

/** A random session id as 16 hex characters + NUL. 0 or -EIO. */
int sg_session_id(char id[17]);

#endif /* SG_SESSION_H */
