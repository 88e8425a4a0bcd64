/* SPDX-License-Identifier: BSD-3-Clause
 * TLS of rtsps:// pulls (the rtsps scheme, default port 322: RFC 7826 §4.2;
 * RTSP over TLS: RFC 7826 §19.2) with OpenSSL 3, non-blocking on the pull's socket:
 * TLS >= 1.2, SNI = the URL's host (RFC 6066 §3: names only, no IP
 * literals), and one of three trust modes per path:
 *   - verify (default): chain to the system CA store (or tls_ca_file), and
 *     the URL's host in the certificate (RFC 6125 §6; an IP literal must be
 *     an iPAddress subjectAltName);
 *   - pinned (tls_fingerprint): the leaf certificate's SHA-256 must match,
 *     nothing else is checked (a self-signed camera);
 *   - off (tls_verify: false): no check at all.
 * Every function here clears OpenSSL's error queue before and after use: the
 * DTLS module shares the thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>

#include "ingest_priv.h"
#include "sg_common.h"

struct ing_tls_ctx {
	SSL_CTX *ctx;
	bool verify;
	bool pinned;
	uint8_t pin[SG_CONFIG_FINGERPRINT_LEN];
	char seen[128];         /* fingerprint of the last rejected certificate (pinned mode) */
};

/* "sha256:AB:CD:..." of a certificate into buf. */
static void fp_format(X509 *x, char *buf, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t off = 0;

	buf[0] = '\0';
	if (!x || X509_digest(x, EVP_sha256(), md, &n) != 1)
		return;
	sg_bprintf(buf, len, &off, "sha256:");
	for (unsigned i = 0; i < n; i++)
		sg_bprintf(buf, len, &off, "%s%02X", i ? ":" : "", md[i]);
}

/* Pinned mode: replaces OpenSSL's chain verification (only the leaf counts). */
static int pin_verify_cb(X509_STORE_CTX *store, void *arg)
{
	struct ing_tls_ctx *t = arg;
	X509 *leaf = X509_STORE_CTX_get0_cert(store);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (leaf && X509_digest(leaf, EVP_sha256(), md, &n) == 1 && n == sizeof(t->pin) &&
	    CRYPTO_memcmp(md, t->pin, n) == 0) {
		t->seen[0] = '\0';
		X509_STORE_CTX_set_error(store, X509_V_OK);
		return 1;
	}
	fp_format(leaf, t->seen, sizeof(t->seen));
	if (!t->seen[0])
		sg_strlcpy(t->seen, "no certificate", sizeof(t->seen));
	X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
	return 0;
}

struct ing_tls_ctx *ing_tls_ctx_new(const struct sg_config_path *cfg, char *err, size_t errlen)
{
	struct ing_tls_ctx *t = calloc(1, sizeof(*t));
	unsigned long e;

	if (!t) {
		snprintf(err, errlen, "TLS: %s", strerror(ENOMEM));
		return NULL;
	}
	ERR_clear_error();
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (!t->ctx)
		goto ssl_err;
	if (SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) != 1)
		goto ssl_err;
	/* pump() retries a write from a buffer that may have grown (moved) meanwhile */
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* a camera that just drops the TCP connection is "closed", like plain RTSP */
	SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
	t->verify = cfg->tls_verify;
	if (cfg->tls_fingerprint[0]) {
		if (sg_config_fingerprint_parse(cfg->tls_fingerprint, t->pin) < 0) {
			snprintf(err, errlen, "TLS: unusable tls_fingerprint");
			goto err;
		}
		t->pinned = true;
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_set_cert_verify_callback(t->ctx, pin_verify_cb, t);
	} else if (cfg->tls_verify) {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
		if (cfg->tls_ca_file[0]) {
			if (SSL_CTX_load_verify_locations(t->ctx, cfg->tls_ca_file, NULL) != 1) {
				e = ERR_peek_last_error();
				snprintf(err, errlen, "TLS: cannot load tls_ca_file %s: %s", cfg->tls_ca_file,
					 ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "error");
				goto err;
			}
		} else if (SSL_CTX_set_default_verify_paths(t->ctx) != 1) {
			goto ssl_err;
		}
	} else {
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	}
	ERR_clear_error();
	return t;
ssl_err:
	e = ERR_peek_last_error();
	snprintf(err, errlen, "TLS: %s", ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "cannot set up");
err:
	ERR_clear_error();
	ing_tls_ctx_free(t);
	return NULL;
}

void ing_tls_ctx_free(struct ing_tls_ctx *t)
{
	if (!t)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

const char *ing_tls_mode(const struct ing_tls_ctx *t)
{
	return t->pinned ? "pinned certificate fingerprint" : t->verify ? "certificate verified" : "NOT verified";
}

struct ssl_st *ing_tls_new(struct ing_tls_ctx *t, int fd, const char *host, char *err, size_t errlen)
{
	struct in6_addr a6;
	bool ip = inet_pton(AF_INET, host, &a6) == 1 || inet_pton(AF_INET6, host, &a6) == 1;
	SSL *ssl;

	ERR_clear_error();
	ssl = SSL_new(t->ctx);
	if (!ssl || SSL_set_fd(ssl, fd) != 1)
		goto ssl_err;
	/* RFC 6066 §3: HostName is a DNS name; literal addresses are not sent */
	if (!ip && SSL_set_tlsext_host_name(ssl, host) != 1)
		goto ssl_err;
	if (t->verify && !t->pinned) {
		/* RFC 6125 §6 (names) / iPAddress subjectAltName (IP literals) */
		if (ip) {
			if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) != 1)
				goto ssl_err;
		} else if (SSL_set1_host(ssl, host) != 1) {
			goto ssl_err;
		}
	}
	t->seen[0] = '\0';
	SSL_set_connect_state(ssl);
	ERR_clear_error();
	return ssl;
ssl_err:
	snprintf(err, errlen, "TLS: cannot create a session: %s",
		 ERR_reason_error_string(ERR_peek_last_error()) ? ERR_reason_error_string(ERR_peek_last_error())
								 : "error");
	ERR_clear_error();
	SSL_free(ssl);
	return NULL;
}

/* Why an SSL call failed, as "TLS: ..." (ret and the error queue of that call). */
static void fail_reason(struct ing_tls_ctx *t, SSL *ssl, int ret, bool handshake, char *err, size_t errlen)
{
	int se = SSL_get_error(ssl, ret);
	unsigned long e = ERR_peek_last_error();
	long vr = SSL_get_verify_result(ssl);
	const char *what = handshake ? "handshake failed" : "connection failed";

	if (se == SSL_ERROR_SSL && ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED && vr != X509_V_OK) {
		if (t && t->pinned && t->seen[0])
			snprintf(err, errlen, "TLS: certificate fingerprint mismatch: server has %s", t->seen);
		else
			snprintf(err, errlen, "TLS: certificate verify failed: %s", X509_verify_cert_error_string(vr));
	} else if (se == SSL_ERROR_SSL) {
		const char *r = ERR_reason_error_string(e);
		int rc = ERR_GET_REASON(e);
		bool not_tls = rc == SSL_R_WRONG_VERSION_NUMBER || rc == SSL_R_PACKET_LENGTH_TOO_LONG ||
			       rc == SSL_R_HTTP_REQUEST || rc == SSL_R_UNKNOWN_PROTOCOL ||
			       rc == SSL_R_RECORD_LENGTH_MISMATCH;
		snprintf(err, errlen, "TLS: %s: %s%s", what, r ? r : "protocol error",
			 handshake && not_tls ? " (the server does not speak TLS?)" : "");
	} else if (se == SSL_ERROR_ZERO_RETURN || (se == SSL_ERROR_SYSCALL && errno == 0)) {
		snprintf(err, errlen, "TLS: %s: connection closed by the server%s", what,
			 handshake ? " (the server does not speak TLS?)" : "");
	} else if (se == SSL_ERROR_SYSCALL) {
		snprintf(err, errlen, "TLS: %s: %s", what, strerror(errno));
	} else {
		snprintf(err, errlen, "TLS: %s: SSL error %d", what, se);
	}
}

int ing_tls_handshake(struct ing_tls_ctx *t, struct ssl_st *ssl, bool *want_write, char *err, size_t errlen)
{
	int ret, se;

	ERR_clear_error();
	errno = 0;
	ret = SSL_do_handshake(ssl);
	if (ret == 1) {
		ERR_clear_error();
		return 1;
	}
	se = SSL_get_error(ssl, ret);
	if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE) {
		*want_write = se == SSL_ERROR_WANT_WRITE;
		ERR_clear_error();
		return 0;
	}
	fail_reason(t, ssl, ret, true, err, errlen);
	ERR_clear_error();
	return -1;
}

void ing_tls_describe(struct ssl_st *ssl, char *buf, size_t len)
{
	X509 *peer = SSL_get0_peer_certificate(ssl);
	char subj[160] = "-", fp[128] = "";

	if (peer) {
		X509_NAME_oneline(X509_get_subject_name(peer), subj, sizeof(subj));
		fp_format(peer, fp, sizeof(fp));
	}
	/* public information only: protocol, cipher suite, peer certificate (never keys) */
	snprintf(buf, len, "%s %s, server certificate %s %s", SSL_get_version(ssl), SSL_get_cipher_name(ssl),
		 subj, fp);
}

ssize_t ing_tls_read(struct ssl_st *ssl, void *buf, size_t n, bool *want_write, char *err, size_t errlen)
{
	size_t got = 0;
	int ret, se;

	ERR_clear_error();
	errno = 0;
	ret = SSL_read_ex(ssl, buf, n, &got);
	if (ret == 1) {
		*want_write = false;
		return (ssize_t)got;
	}
	se = SSL_get_error(ssl, ret);
	if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE) {
		*want_write = se == SSL_ERROR_WANT_WRITE;
		ERR_clear_error();
		return 0;
	}
	if (se == SSL_ERROR_ZERO_RETURN || (se == SSL_ERROR_SYSCALL && errno == 0)) {
		ERR_clear_error();
		return -1; /* close_notify or EOF */
	}
	fail_reason(NULL, ssl, ret, false, err, errlen);
	ERR_clear_error();
	return -2;
}

ssize_t ing_tls_write(struct ssl_st *ssl, const void *buf, size_t n, char *err, size_t errlen)
{
	size_t done = 0;
	int ret, se;

	ERR_clear_error();
	errno = 0;
	ret = SSL_write_ex(ssl, buf, n, &done);
	if (ret == 1)
		return (ssize_t)done;
	se = SSL_get_error(ssl, ret);
	if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE) {
		/* retried from pump() with the same bytes in front (partial-write mode) */
		ERR_clear_error();
		return 0;
	}
	fail_reason(NULL, ssl, ret, false, err, errlen);
	ERR_clear_error();
	return -1;
}

bool ing_tls_pending(struct ssl_st *ssl)
{
	return SSL_has_pending(ssl) == 1;
}

void ing_tls_free(struct ssl_st *ssl, bool shutdown)
{
	if (!ssl)
		return;
	ERR_clear_error();
	if (shutdown)
		SSL_shutdown(ssl); /* best effort close_notify (RFC 8446 §6.1); never waits */
	SSL_free(ssl);
	ERR_clear_error();
}
