/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate STUN for an ICE-lite server: parse, verify and answer browsers'
 * connectivity checks (RFC 8489, RFC 8445 §2.5/§7.3), plus a request builder
 * and response verifier for a controlling client (load generator, tests).
 *
 * Everything here works on plain buffers: no DPDK, no allocation, no syscalls
 * and no logging on the parse / verify / answer path. Only sg_stun_key_init()
 * (control path, once per session) does any real set-up work.
 *
 * Inline hot-path helpers (RFC 7983 demultiplexing, RFC 7675 consent
 * freshness) are in sg_stun_fp.h.
 *
 * Results: every check returns an enum sg_stun_reason; SG_STUN_OK is 0 and
 * every other value names one counted reason (X-macro SG_STUN_REASONS). The
 * caller counts it with sg_stun_stats_count() and drops the datagram unless
 * the answer has a length (see sg_stun_answer()).
 */
#ifndef SG_STUN_H
#define SG_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Wire constants (RFC 8489 §5, §14, §18; RFC 8445 §16) ---- */
#define SG_STUN_HDR_LEN 20u
#define SG_STUN_TID_LEN 12u
#define SG_STUN_MAGIC 0x2112A442u
#define SG_STUN_FP_XOR 0x5354554Eu  /**< RFC 8489 §14.7 */
#define SG_STUN_MI_LEN 20u          /**< HMAC-SHA1 */
#define SG_STUN_MAX_ATTRS 32u       /**< attributes we walk in one message */
#define SG_STUN_MAX_UNKNOWN 8u      /**< unknown comprehension-required types kept */
#define SG_STUN_MAX_USERNAME 512u   /**< RFC 8489 §14.3: < 513 bytes */
#define SG_STUN_MAX_PWD 256u        /**< longest password sg_stun_key_init() takes */
#define SG_STUN_ANSWER_MAX 100u     /**< longest answer sg_stun_answer() writes (a full 420) */

/** Message types: method Binding (0x001) in the four classes (RFC 8489 §5). */
enum {
	SG_STUN_BINDING_REQUEST = 0x0001,
	SG_STUN_BINDING_INDICATION = 0x0011,
	SG_STUN_BINDING_SUCCESS = 0x0101,
	SG_STUN_BINDING_ERROR = 0x0111,
};

/** Attribute types we know (RFC 8489 §18.3, RFC 8445 §16.1, IANA). */
enum {
	SG_STUN_ATTR_MAPPED_ADDRESS = 0x0001,
	SG_STUN_ATTR_USERNAME = 0x0006,
	SG_STUN_ATTR_MESSAGE_INTEGRITY = 0x0008,
	SG_STUN_ATTR_ERROR_CODE = 0x0009,
	SG_STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000A,
	SG_STUN_ATTR_REALM = 0x0014,
	SG_STUN_ATTR_NONCE = 0x0015,
	SG_STUN_ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001C,
	SG_STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,
	SG_STUN_ATTR_PRIORITY = 0x0024,
	SG_STUN_ATTR_USE_CANDIDATE = 0x0025,
	SG_STUN_ATTR_SOFTWARE = 0x8022,
	SG_STUN_ATTR_FINGERPRINT = 0x8028,
	SG_STUN_ATTR_ICE_CONTROLLED = 0x8029,
	SG_STUN_ATTR_ICE_CONTROLLING = 0x802A,
	/** NETWORK-COST in the IANA registry; Chrome calls it GOOG-NETWORK-INFO
	 *  (network id << 16 | network cost). One code, two names. */
	SG_STUN_ATTR_NETWORK_COST = 0xC057,
	SG_STUN_ATTR_GOOG_NETWORK_INFO = 0xC057,
};

/** Error codes we send or read (RFC 8489 §14.8, RFC 8445 §16.2). */
enum {
	SG_STUN_ERR_BAD_REQUEST = 400,
	SG_STUN_ERR_UNAUTHORIZED = 401,
	SG_STUN_ERR_UNKNOWN_ATTRIBUTE = 420,
	SG_STUN_ERR_ROLE_CONFLICT = 487,
};

/**
 * Outcome of a check, _(ID, "name", "help"). SG_STUN_OK (0) is not in the
 * list. SG_STUN_ANSWERED_420 / _487 are outcomes that did produce an
 * (authenticated) error response; every other reason is a silent drop.
 */
#define SG_STUN_REASONS(_)                                                            \
	_(NOT_STUN, "not_stun", "shorter than a STUN header or top two bits set")      \
	_(BAD_LENGTH, "bad_length", "length not a multiple of 4 or not the datagram's") \
	_(BAD_COOKIE, "bad_cookie", "magic cookie missing (RFC 3489 peer)")           \
	_(TOO_MANY_ATTRS, "too_many_attrs", "more attributes than we walk")           \
	_(MALFORMED_ATTR, "malformed_attr", "attribute overruns or has a bad length/value") \
	_(FINGERPRINT_NOT_LAST, "fingerprint_not_last", "attribute after FINGERPRINT") \
	_(NO_FINGERPRINT, "no_fingerprint", "FINGERPRINT missing")                    \
	_(BAD_FINGERPRINT, "bad_fingerprint", "FINGERPRINT CRC mismatch")             \
	_(INDICATION, "indication", "Binding indication (keepalive), not answered")   \
	_(NOT_BINDING_REQUEST, "not_binding_request", "not a Binding request")        \
	_(NO_USERNAME, "no_username", "request without USERNAME")                     \
	_(BAD_USERNAME, "bad_username", "USERNAME not <local ufrag>:<remote ufrag>")  \
	_(UNKNOWN_USER, "unknown_user", "no session for the USERNAME")                \
	_(NO_INTEGRITY, "no_integrity", "MESSAGE-INTEGRITY missing")                  \
	_(BAD_INTEGRITY, "bad_integrity", "MESSAGE-INTEGRITY mismatch")               \
	_(NO_SPACE, "no_space", "answer does not fit the output buffer")              \
	_(ANSWERED_420, "answered_420", "authenticated request with unknown comprehension-required attributes") \
	_(ANSWERED_487, "answered_487", "authenticated request from a controlled peer: role conflict") \
	_(NOT_RESPONSE, "not_response", "not a Binding success or error response")    \
	_(TID_MISMATCH, "tid_mismatch", "response transaction id is not ours")        \
	_(NO_MAPPED_ADDRESS, "no_mapped_address", "success response without XOR-MAPPED-ADDRESS") \
	_(UNKNOWN_ATTRS, "unknown_attrs", "response with unknown comprehension-required attributes")

enum sg_stun_reason {
	SG_STUN_OK = 0,
#define _SG_STUN_R(id, name, help) SG_STUN_##id,
	SG_STUN_REASONS(_SG_STUN_R)
#undef _SG_STUN_R
	SG_STUN__N_REASONS
};

/** Name / help of a reason ("ok" for SG_STUN_OK; NULL when out of range). */
const char *sg_stun_reason_name(unsigned r);
const char *sg_stun_reason_help(unsigned r);

/** Per-lcore counters, one per reason (index SG_STUN_OK counts answered checks). */
struct sg_stun_stats {
	uint64_t n[SG_STUN__N_REASONS];
};

static inline void sg_stun_stats_count(struct sg_stun_stats *s, enum sg_stun_reason r)
{
	s->n[(unsigned)r < SG_STUN__N_REASONS ? (unsigned)r : SG_STUN_NOT_STUN]++;
}

/** A transport address: family 4 or 6, port in host order, address in network order. */
struct sg_stun_addr {
	uint8_t family;   /**< 4 or 6 */
	uint16_t port;    /**< host byte order */
	uint8_t addr[16]; /**< IPv4 in addr[0..3], IPv6 in addr[0..15]; network order */
};

/**
 * A short-term credential ready for HMAC-SHA1 (RFC 8489 §9.1.2: key = the
 * password bytes; ICE passwords are ASCII so no SASLprep/OpaqueString is
 * needed). Holds the SHA-1 states after the ipad and opad blocks so an
 * integrity check costs only the message blocks plus one. Treat as secret.
 */
struct sg_stun_key {
	uint32_t ih[5]; /**< SHA-1 state after (key ^ ipad) */
	uint32_t oh[5]; /**< SHA-1 state after (key ^ opad) */
};

/**
 * Prepare a key from a password (control path). Keys longer than 64 bytes are
 * hashed first (RFC 2104). Returns 0, or -EINVAL for NULL arguments or a
 * password longer than SG_STUN_MAX_PWD bytes.
 */
int sg_stun_key_init(struct sg_stun_key *k, const void *pwd, size_t len);

/** Wipe a key (sg_secure_zero). */
void sg_stun_key_wipe(struct sg_stun_key *k);

/**
 * A parsed message. All offsets are from the start of the message; a zero
 * offset means "absent" (no attribute can start inside the header). Filled by
 * sg_stun_parse(); the buffer must stay unchanged while the struct is used.
 */
struct sg_stun_msg {
	const uint8_t *buf;
	uint16_t len;          /**< whole message, header included */
	uint16_t type;         /**< method and class */
	uint16_t n_attrs;      /**< attributes walked */
	uint16_t username_off; /**< USERNAME value */
	uint16_t username_len;
	uint16_t mi_off;       /**< MESSAGE-INTEGRITY attribute header */
	uint16_t mi256_off;    /**< MESSAGE-INTEGRITY-SHA256 attribute header (recognised only) */
	uint16_t fp_off;       /**< FINGERPRINT attribute header */
	uint16_t software_off; /**< SOFTWARE value */
	uint16_t software_len;
	uint16_t err_reason_off; /**< ERROR-CODE reason phrase */
	uint16_t err_reason_len;
	uint16_t error_code;   /**< ERROR-CODE class*100+number, 0 when absent */
	bool has_priority;
	bool use_candidate;
	bool ice_controlling;  /**< ICE-CONTROLLING present (tiebreaker in .tiebreaker) */
	bool ice_controlled;   /**< ICE-CONTROLLED present (tiebreaker in .tiebreaker) */
	bool has_network_info;
	bool has_xor_mapped;
	uint8_t n_unknown;     /**< unknown comprehension-required types (first SG_STUN_MAX_UNKNOWN) */
	uint32_t priority;
	uint32_t network_info; /**< NETWORK-COST / GOOG-NETWORK-INFO value */
	uint64_t tiebreaker;
	struct sg_stun_addr xor_mapped; /**< XOR-MAPPED-ADDRESS, decoded */
	uint16_t unknown[SG_STUN_MAX_UNKNOWN];
};

/** Transaction id of a parsed message (12 bytes inside the buffer). */
static inline const uint8_t *sg_stun_msg_tid(const struct sg_stun_msg *m)
{
	return m->buf + 8;
}

/**
 * Parse one datagram as a STUN message (RFC 8489 §5, §6.3, §14): header
 * (top bits, magic cookie, length multiple of 4 and equal to the datagram),
 * then the attribute TLVs with padding, at most SG_STUN_MAX_ATTRS of them.
 * The first occurrence of an attribute wins; after MESSAGE-INTEGRITY only
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are processed, after
 * MESSAGE-INTEGRITY-SHA256 only FINGERPRINT (§14.5, §14.6), and nothing may
 * follow FINGERPRINT (§14.7). Does not check FINGERPRINT or integrity.
 * Returns SG_STUN_OK, NOT_STUN, BAD_LENGTH, BAD_COOKIE, TOO_MANY_ATTRS,
 * MALFORMED_ATTR or FINGERPRINT_NOT_LAST.
 */
enum sg_stun_reason sg_stun_parse(const uint8_t *buf, size_t len, struct sg_stun_msg *m);

/**
 * Check FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message up to the
 * attribute, XOR 0x5354554e. Returns SG_STUN_OK, NO_FINGERPRINT or
 * BAD_FINGERPRINT.
 */
enum sg_stun_reason sg_stun_fingerprint_check(const struct sg_stun_msg *m);

/**
 * Check MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message up to
 * the attribute with the header length set to end after it. Constant-time
 * compare. Returns SG_STUN_OK, NO_INTEGRITY or BAD_INTEGRITY.
 */
enum sg_stun_reason sg_stun_integrity_check(const struct sg_stun_msg *m, const struct sg_stun_key *k);

/** CRC-32 (ISO-HDLC, as zlib's crc32(crc, p, n)) continuing from crc (0 to start). */
uint32_t sg_stun_crc32(uint32_t crc, const void *p, size_t n);

/** HMAC-SHA1 of p[0..n) with a prepared key into out (20 bytes). */
void sg_stun_hmac_sha1(const struct sg_stun_key *k, const void *p, size_t n, uint8_t out[20]);

/* ------------------------------------------------------------------ */
/* ICE-lite responder (RFC 8445 §2.5, §7.3)                            */
/* ------------------------------------------------------------------ */

/**
 * Find a session's credential from the USERNAME of a check. A check sent to
 * us carries "<our ufrag>:<their ufrag>" (RFC 8445 §7.2.2); both halves are
 * passed (not NUL-terminated). Return the session's key (typically a member
 * of the session, so the caller can get back to it with container_of), or
 * NULL when no session matches. Called on the hot path: must not block.
 */
typedef const struct sg_stun_key *(*sg_stun_lookup_fn)(void *arg, const uint8_t *local_ufrag,
						       size_t local_len, const uint8_t *remote_ufrag,
						       size_t remote_len);

struct sg_stun_server_cfg {
	sg_stun_lookup_fn lookup;
	void *lookup_arg;
	bool allow_no_fingerprint; /**< accept checks without FINGERPRINT (browsers always send it) */
};

/** What an answered check told us. */
struct sg_stun_answer {
	size_t len;                    /**< bytes written to out; 0 = send nothing */
	uint16_t code;                 /**< 0 for a success response, else 420 or 487 */
	const struct sg_stun_key *key; /**< credential that authenticated the check */
	bool use_candidate;            /**< USE-CANDIDATE: the peer nominates this pair */
	bool has_priority;
	uint32_t priority;             /**< PRIORITY (peer-reflexive priority) */
	bool ice_controlling;          /**< peer said it is controlling */
	uint64_t tiebreaker;
};

/**
 * Handle one datagram sent to the media port that demultiplexed as STUN, as
 * an ICE-lite (always controlled) agent. Order (RFC 8489 §6.3, §9.1.3;
 * RFC 8445 §7.3): parse; FINGERPRINT; class/method (Binding request);
 * USERNAME present and well formed; lookup; MESSAGE-INTEGRITY; only then the
 * unknown comprehension-required attributes (420) and role (487). A request
 * that fails before authentication gets no answer at all (no amplification,
 * no information).
 *
 * Role (RFC 8445 §6.1.1, §7.3.1.1): a lite agent is controlled and can never
 * take the controlling role, so a request carrying ICE-CONTROLLED (peer also
 * controlled) always gets 487 Role Conflict, whatever the tiebreakers: the
 * peer must switch to controlling (§7.2.5.1).
 *
 * The answer (§7.3.1.1 / RFC 8489 §7.3.1: same transaction id,
 * XOR-MAPPED-ADDRESS = src, MESSAGE-INTEGRITY with the same key, FINGERPRINT;
 * or an error response with ERROR-CODE [+ UNKNOWN-ATTRIBUTES], MI and
 * FINGERPRINT) is written to out, which may be req itself (in place) or a
 * buffer not overlapping it. Answers are at most 20+24+24+8 = 76 bytes for a
 * success or a 487, 20+28+(4+2*SG_STUN_MAX_UNKNOWN)+24+8 for a 420: a cap of
 * SG_STUN_ANSWER_MAX always suffices.
 *
 * Returns SG_STUN_OK (success response written), SG_STUN_ANSWERED_420 or
 * SG_STUN_ANSWERED_487 (error response written), or a drop reason (ans->len
 * is 0). Count the return value with sg_stun_stats_count().
 */
enum sg_stun_reason sg_stun_answer(const struct sg_stun_server_cfg *cfg, const uint8_t *req,
				   size_t len, const struct sg_stun_addr *src, uint8_t *out,
				   size_t cap, struct sg_stun_answer *ans);

/* ------------------------------------------------------------------ */
/* Controlling client (load generator, tests)                          */
/* ------------------------------------------------------------------ */

struct sg_stun_request {
	uint8_t tid[SG_STUN_TID_LEN];  /**< caller's random transaction id */
	const char *username;          /**< "<their ufrag>:<our ufrag>" (NUL-terminated) */
	const struct sg_stun_key *key; /**< the answering agent's password */
	uint32_t priority;             /**< PRIORITY (RFC 8445 §7.1.1) */
	bool controlling;              /**< ICE-CONTROLLING (else ICE-CONTROLLED) */
	uint64_t tiebreaker;
	bool use_candidate;            /**< USE-CANDIDATE (§7.1.2) */
	bool has_network_info;         /**< add GOOG-NETWORK-INFO as Chrome does */
	uint32_t network_info;
};

/**
 * Build a Binding request (RFC 8445 §7.1, attribute order as Chrome:
 * USERNAME, GOOG-NETWORK-INFO, ICE-CONTROLLING/ED, USE-CANDIDATE, PRIORITY,
 * MESSAGE-INTEGRITY, FINGERPRINT) into buf. Returns its length, -EINVAL for
 * a missing username/key or a username longer than SG_STUN_MAX_USERNAME, or
 * -ENOSPC when cap is too small.
 */
int sg_stun_request_build(uint8_t *buf, size_t cap, const struct sg_stun_request *r);

/**
 * Verify a response to a request we sent (RFC 8489 §6.3.3, §9.1.4): parse,
 * Binding success or error class, our transaction id, FINGERPRINT (required),
 * MESSAGE-INTEGRITY with the key we used; a success must carry
 * XOR-MAPPED-ADDRESS. On SG_STUN_OK, m holds the parsed response
 * (m->type tells success/error, m->error_code the code, m->xor_mapped the
 * address). Returns SG_STUN_OK or the reason (parse reasons, NOT_RESPONSE,
 * TID_MISMATCH, NO_FINGERPRINT, BAD_FINGERPRINT, NO_INTEGRITY, BAD_INTEGRITY,
 * NO_MAPPED_ADDRESS, UNKNOWN_ATTRS: RFC 8489 §7.3.3, a success response with
 * unknown comprehension-required attributes is discarded).
 */
enum sg_stun_reason sg_stun_response_verify(const uint8_t *buf, size_t len,
					    const uint8_t tid[SG_STUN_TID_LEN],
					    const struct sg_stun_key *key, struct sg_stun_msg *m);

#endif /* SG_STUN_H */
