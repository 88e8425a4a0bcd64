/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate dtls: sans-IO DTLS-SRTP server for WebRTC viewers (control plane).
 *
 * RFC 5764 (DTLS-SRTP), RFC 8827 §6.5 / RFC 8842 (WebRTC DTLS usage: the peer
 * certificate is authenticated by the SDP a=fingerprint, RFC 8122 §5), RFC 5705
 * (keying material exporter), RFC 6347 (DTLS 1.2).
 *
 * No sockets: the caller feeds every received DTLS datagram with
 * sg_dtls_conn_input(), drains the datagrams to send with sg_dtls_conn_output()
 * (until it returns 0) after every input / timeout / close, arms a timer at
 * sg_dtls_conn_timeout_ns() and calls sg_dtls_conn_on_timeout() when it fires.
 * Once sg_dtls_conn_state() is SG_DTLS_CONNECTED, sg_dtls_conn_srtp_keys()
 * gives the SRTP master keys.
 *
 * We are always the DTLS server ("a=setup:passive" answer to an "actpass"
 * offer). Only DTLS 1.2 is negotiated (OpenSSL 3.0 has no DTLS 1.3); a client
 * that offers DTLS 1.3 and 1.2 (Chromium) gets 1.2. No HelloVerifyRequest
 * cookie exchange: ICE has already verified the path (RFC 8842 §5.3 allows it).
 *
 * Threading: objects are not thread-safe; use a conn from one thread (the
 * control-plane loop). A ctx may be shared by the conns of that thread.
 * Lifetimes: the ctx keeps its own references to the certificate, so the
 * cert may be freed after sg_dtls_ctx_create(); a conn keeps a reference to
 * its ctx, so the ctx may be freed before its conns.
 *
 * Secrets (private keys, SRTP keys) are never logged.
 */
#ifndef SG_DTLS_H
#define SG_DTLS_H

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ certs */

struct sg_dtls_cert;

/** Buffer size that always fits a fingerprint string of sg_dtls_cert_fingerprint(). */
#define SG_DTLS_FINGERPRINT_MAX 200

/**
 * Generate our certificate: ECDSA P-256 key, self-signed X.509v3 signed with
 * SHA-256, subject = issuer = CN=streamgate, random positive 64-bit serial,
 * valid from now - 1 day (peer clock skew, as browsers do) until now + 30 days.
 * Returns the cert, or NULL with errno = ENOMEM (or EIO on an OpenSSL failure).
 */
struct sg_dtls_cert *sg_dtls_cert_generate(void);

/**
 * Load a PEM certificate (the first certificate in the file is ours; any
 * further ones are sent as its chain) and a PEM private key (unencrypted: an
 * encrypted key fails, we never prompt). The key must match the certificate.
 * Returns the cert, or NULL with errno:
 *  EINVAL  NULL path, no/garbage PEM content, or key does not match the cert;
 *  any fopen() errno (ENOENT, EACCES, ...) when a file cannot be opened;
 *  ENOMEM.
 * The reason is logged with sg_log (file name and OpenSSL reason only).
 */
struct sg_dtls_cert *sg_dtls_cert_load(const char *cert_pem_path, const char *key_pem_path);

/**
 * Write the SDP fingerprint of our certificate (RFC 8122 §5) into out:
 * "sha-256 AB:CD:..." (32 upper-case hex pairs separated by ':').
 * Returns 0, -EINVAL (NULL argument) or -ENOSPC (len too small; 104 bytes
 * suffice, SG_DTLS_FINGERPRINT_MAX always does).
 */
int sg_dtls_cert_fingerprint(const struct sg_dtls_cert *cert, char *out, size_t len);

/** Free a cert (NULL is fine). The private key memory is cleared by OpenSSL. */
void sg_dtls_cert_free(struct sg_dtls_cert *cert);

/* -------------------------------------------------------------------- ctx */

struct sg_dtls_ctx;

/**
 * Create a DTLS 1.2 server context with cert:
 *  - use_srtp (RFC 5764 §4.1.2) with our preference order
 *    SRTP_AEAD_AES_128_GCM, SRTP_AES128_CM_SHA1_80, SRTP_AEAD_AES_256_GCM,
 *    SRTP_AES128_CM_SHA1_32 (the server's order wins); a ClientHello without
 *    use_srtp or without a profile in common is refused with a
 *    handshake_failure alert;
 *  - ECDHE groups X25519, P-256; AEAD suites first (ECDSA and RSA);
 *  - the client certificate is required; it is accepted only if its digest
 *    matches the fingerprint given to sg_dtls_conn_create() (no PKI);
 *  - no session resumption, no renegotiation, no cookie exchange;
 *  - retransmission timer 1 s initial, doubling, 60 s cap (RFC 6347 §4.2.4.1),
 *    see sg_dtls_ctx_set_timer().
 * Returns the ctx, or NULL with errno: EINVAL (NULL cert), ENOMEM, EIO
 * (OpenSSL refused the configuration; logged).
 */
struct sg_dtls_ctx *sg_dtls_ctx_create(const struct sg_dtls_cert *cert);

/** Smallest initial retransmission timeout: OpenSSL 3.0 treats a timer with
 * less than 15 ms left as already expired. */
#define SG_DTLS_TIMER_MIN_MS 20

/**
 * Retransmission timer for conns created after this call: initial_ms for the
 * first flight, doubled on every timeout up to max_ms. OpenSSL gives up after
 * 12 timeouts of one flight (the conn then FAILs with "handshake timed out").
 * OpenSSL also retransmits by itself when a datagram is fed after the
 * deadline passed.
 * Returns 0, or -EINVAL (NULL, initial_ms < SG_DTLS_TIMER_MIN_MS,
 * max_ms < initial_ms, or max_ms > 600000).
 */
int sg_dtls_ctx_set_timer(struct sg_dtls_ctx *ctx, uint32_t initial_ms, uint32_t max_ms);

/**
 * Replace the SRTP profile preference list (OpenSSL syntax, e.g.
 * "SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM") for conns created after
 * this call. Only the four profiles of enum sg_dtls_srtp_profile are allowed.
 * Returns 0, or -EINVAL (NULL, empty, unknown or unsupported profile).
 */
int sg_dtls_ctx_set_srtp_profiles(struct sg_dtls_ctx *ctx, const char *profiles);

/** Drop the caller's reference (NULL is fine); live conns keep theirs. */
void sg_dtls_ctx_free(struct sg_dtls_ctx *ctx);

/* ------------------------------------------------------------------- conn */

struct sg_dtls_conn;

enum sg_dtls_state {
	SG_DTLS_HANDSHAKING = 0, /* waiting for / running the handshake */
	SG_DTLS_CONNECTED,       /* handshake done, peer authenticated, SRTP keys ready */
	SG_DTLS_FAILED,          /* fatal error, see sg_dtls_conn_error(); terminal */
	SG_DTLS_CLOSED,          /* close_notify received or sent; terminal */
};

/** Default MTU (max DTLS datagram = UDP payload size) when 0 is given. */
#define SG_DTLS_MTU_DEFAULT 1200
/** Smallest MTU OpenSSL accepts. */
#define SG_DTLS_MTU_MIN 256
/** Largest datagram sg_dtls_conn_input() accepts (max DTLS 1.2 record + header, RFC 6347 §4.1). */
#define SG_DTLS_DGRAM_MAX (16384 + 2048 + 13)

/**
 * Create a server conn. remote_fingerprint is the offer's a=fingerprint value
 * "<hash-func> <hex pairs>" (RFC 8122 §5): hash-func one of sha-1, sha-224,
 * sha-256, sha-384, sha-512 (case-insensitive), hex pairs in either case
 * separated by ':'. When the offer has several fingerprints the caller passes
 * the one with the strongest hash. mtu is the largest datagram we send
 * (0 = SG_DTLS_MTU_DEFAULT); every datagram from sg_dtls_conn_output() fits.
 * Returns the conn in SG_DTLS_HANDSHAKING, or NULL with errno:
 *  EINVAL  NULL ctx/fingerprint, malformed fingerprint, unsupported or
 *          insecure hash (md5, md2), mtu < SG_DTLS_MTU_MIN;
 *  ENOMEM.
 */
struct sg_dtls_conn *sg_dtls_conn_create(struct sg_dtls_ctx *ctx, const char *remote_fingerprint,
					 uint16_t mtu);

/**
 * Feed one received datagram (the whole UDP payload). now_ns is the caller's
 * monotonic clock (sg_now_ns()); it is currently unused (OpenSSL 3.0 keeps
 * its own clock) and reserved for a DTLS engine driven by the caller's time.
 *
 * The datagram's records are processed one by one. Per RFC 6347 §4.1.2.7,
 * records that do not parse (garbage, a truncated last record, bad
 * version/epoch, replays, failed MAC) are silently discarded, alone: input
 * returns 0 and the state is unchanged. A well-formed
 * record carrying something fatal (malformed or unexpected handshake message,
 * fatal alert, wrong certificate, no common SRTP profile, no client
 * certificate, DTLS < 1.2) makes the conn FAILED; the alert we send in reply,
 * if any, is available from sg_dtls_conn_output(). After CONNECTED,
 * application data (no data channels here) is read and dropped (counted);
 * a retransmitted client flight makes us retransmit our last flight; a
 * close_notify makes the conn CLOSED.
 *
 * Returns 0 (see the state for what happened), or
 *  -EINVAL   NULL conn/dgram, len == 0, or first byte outside 20..63 (not a
 *            DTLS record, RFC 7983 §7); nothing processed;
 *  -EMSGSIZE len > SG_DTLS_DGRAM_MAX; nothing processed;
 *  -EPIPE    the conn is already FAILED or CLOSED; nothing processed;
 *  -EPROTO   this datagram made the conn FAILED (reason: sg_dtls_conn_error);
 *  -ENOMEM.
 */
int sg_dtls_conn_input(struct sg_dtls_conn *conn, const uint8_t *dgram, size_t len, uint64_t now_ns);

/**
 * Next datagram to send: one or more whole DTLS records packed up to the MTU
 * (RFC 6347 §4.1.1). Call until it returns 0 after every input, timeout and
 * close. Also valid in FAILED/CLOSED (to flush the final alert).
 * Returns the datagram length, 0 when nothing is pending, or
 *  -EINVAL  NULL conn/buf;
 *  -ENOBUFS cap is smaller than the next record (nothing consumed; pass
 *           cap >= the conn's MTU to never see this).
 */
int sg_dtls_conn_output(struct sg_dtls_conn *conn, uint8_t *buf, size_t cap);

/**
 * Deadline of the next retransmission (now_ns + what DTLSv1_get_timeout()
 * reports), now_ns if it is already due, UINT64_MAX when no timer runs
 * (handshake not started, done, or conn terminal). NULL conn: UINT64_MAX.
 * Note: OpenSSL 3.0 times the flight on its own wall clock; the deadline is
 * expressed on the caller's clock from the remaining time.
 */
uint64_t sg_dtls_conn_timeout_ns(struct sg_dtls_conn *conn, uint64_t now_ns);

/**
 * Handle the retransmission timer (DTLSv1_handle_timeout): when due, the last
 * flight is queued again for sg_dtls_conn_output(). Calling it early is
 * harmless (nothing happens).
 * Returns 0 (retransmitted or nothing due), or -EINVAL (NULL), -EPIPE (conn
 * terminal), -ETIMEDOUT (retransmission limit reached: conn FAILED).
 */
int sg_dtls_conn_on_timeout(struct sg_dtls_conn *conn, uint64_t now_ns);

/**
 * Go CLOSED; when the handshake had finished, a close_notify alert is queued
 * for sg_dtls_conn_output() (during the handshake nothing is sent: the peer
 * times out). Returns 0, -EINVAL (NULL) or -EPIPE (already FAILED or CLOSED).
 */
int sg_dtls_conn_close(struct sg_dtls_conn *conn);

/** Current state (SG_DTLS_FAILED for a NULL conn). */
enum sg_dtls_state sg_dtls_conn_state(const struct sg_dtls_conn *conn);

/** Name of a state ("handshaking", "connected", "failed", "closed", "?"). */
const char *sg_dtls_state_name(enum sg_dtls_state st);

/**
 * Human reason when FAILED (or CLOSED: who closed), e.g. "peer certificate
 * fingerprint does not match the offer"; "" otherwise. Never NULL.
 */
const char *sg_dtls_conn_error(const struct sg_dtls_conn *conn);

/**
 * One-line description of the negotiated parameters, for logs:
 * "DTLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256 SRTP_AEAD_AES_128_GCM".
 * Returns 0, -EINVAL (NULL), -ENOTCONN (not CONNECTED) or -ENOSPC.
 */
int sg_dtls_conn_describe(const struct sg_dtls_conn *conn, char *out, size_t len);

/* Per-conn counters: _(name, "help"). */
#define SG_DTLS_COUNTERS(_)                                                          \
	_(rx_dgrams, "datagrams fed to the DTLS engine")                            \
	_(rx_bytes, "bytes fed to the DTLS engine")                                 \
	_(rx_not_dtls, "datagrams refused: first byte not a DTLS content type")      \
	_(rx_oversize, "datagrams refused: larger than SG_DTLS_DGRAM_MAX")           \
	_(rx_after_end, "datagrams refused: conn already failed or closed")          \
	_(rx_bad_records, "datagrams ending in a partial record (dropped)")          \
	_(rx_app_dropped, "application-data bytes dropped (no data channels)")     \
	_(tx_dgrams, "datagrams handed out to send")                                \
	_(tx_bytes, "bytes handed out to send")                                      \
	_(timeouts, "retransmission timer expirations handled")

struct sg_dtls_conn_stats {
#define _SG_DTLS_F(name, help) uint64_t name;
	SG_DTLS_COUNTERS(_SG_DTLS_F)
#undef _SG_DTLS_F
};

/** Copy the conn's counters. Returns 0 or -EINVAL. */
int sg_dtls_conn_stats(const struct sg_dtls_conn *conn, struct sg_dtls_conn_stats *out);

/* ------------------------------------------------------------------- SRTP */

/** SRTP protection profiles (IANA DTLS-SRTP values, RFC 5764 §4.1.2, RFC 7714 §14.2). */
enum sg_dtls_srtp_profile {
	SG_DTLS_SRTP_AES128_CM_SHA1_80 = 0x0001,
	SG_DTLS_SRTP_AES128_CM_SHA1_32 = 0x0002,
	SG_DTLS_SRTP_AEAD_AES_128_GCM = 0x0007,
	SG_DTLS_SRTP_AEAD_AES_256_GCM = 0x0008,
};

/**
 * SRTP master keys from the handshake. We are the server, so
 * local = server_write (we protect with it), remote = client_write (we
 * unprotect with it). key_len: 16 (AES-128 profiles) or 32 (AES-256-GCM);
 * salt_len: 14 for AES-CM (RFC 3711), 12 for AEAD-GCM (RFC 7714 §12).
 * Bytes beyond key_len/salt_len are zero.
 */
struct sg_dtls_srtp_keys {
	int profile; /* enum sg_dtls_srtp_profile */
	uint8_t local_key[32], local_salt[14];
	uint8_t remote_key[32], remote_salt[14];
	uint8_t key_len, salt_len;
};

/**
 * Export the SRTP keys (RFC 5764 §4.2): "EXTRACTOR-dtls_srtp", no context,
 * 2 * (key_len + salt_len) bytes split as
 * client_key | server_key | client_salt | server_salt.
 * The caller should sg_secure_zero() *out when done with it.
 * Returns 0, -EINVAL (NULL), -ENOTCONN (not CONNECTED) or -EIO (export failed).
 */
int sg_dtls_conn_srtp_keys(struct sg_dtls_conn *conn, struct sg_dtls_srtp_keys *out);

/** "SRTP_AEAD_AES_128_GCM", ... for a profile value; "?" when unknown. */
const char *sg_dtls_srtp_profile_name(int profile);

/**
 * Key and salt length of a profile (either pointer may be NULL).
 * Returns 0, or -EINVAL for an unknown profile (outputs untouched).
 */
int sg_dtls_srtp_profile_lengths(int profile, uint8_t *key_len, uint8_t *salt_len);

/** Free a conn (NULL is fine): frees the SSL and both BIOs, wipes secrets. */
void sg_dtls_conn_free(struct sg_dtls_conn *conn);

#endif /* SG_DTLS_H */
