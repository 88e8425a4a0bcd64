/* SPDX-License-Identifier: BSD-3-Clause
 * Test oracle for lib/dtls: a real OpenSSL DTLS 1.2 client on memory BIOs
 * (independent of the code under test), plus a datagram pump between it and
 * a struct sg_dtls_conn. Shared by tests/unit/test_dtls.c and
 * tests/fuzz/fuzz_dtls.c (header-only, static functions).
 */
#ifndef SG_DTLS_TEST_PEER_H
#define SG_DTLS_TEST_PEER_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "sg_common.h"
#include "sg_dtls.h"

/* A self-signed certificate made with plain OpenSSL (not lib/dtls). */
struct tp_cert {
	X509 *x;
	EVP_PKEY *k;
};

static inline bool tp_cert_make(struct tp_cert *c, const char *cn, bool rsa)
{
	X509_NAME *n;
	c->k = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
	c->x = X509_new();
	if (!c->k || !c->x)
		return false;
	X509_set_version(c->x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(c->x), (long)(rand() & 0x7fffffff) + 1);
	X509_gmtime_adj(X509_getm_notBefore(c->x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c->x), 3600);
	n = X509_get_subject_name(c->x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c->x, n);
	X509_set_pubkey(c->x, c->k);
	return X509_sign(c->x, c->k, EVP_sha256()) > 0;
}

static inline void tp_cert_free(struct tp_cert *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->k);
	memset(c, 0, sizeof(*c));
}

/* "<alg> XX:XX:..." of a cert, formatted independently of lib/dtls. */
static inline void tp_fingerprint(X509 *x, const EVP_MD *md, const char *alg, bool lower,
				  char *out, size_t len)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t off;
	X509_digest(x, md, d, &n);
	off = (size_t)snprintf(out, len, "%s ", alg);
	for (unsigned int i = 0; i < n && off + 3 < len; i++)
		off += (size_t)snprintf(out + off, len - off, lower ? "%02x%s" : "%02X%s", d[i],
					i + 1 < n ? ":" : "");
}

struct tp_client {
	SSL_CTX *ctx;
	SSL *ssl;
	BIO *rb, *wb;
	uint16_t mtu;
	bool done, failed, closed;
	char server_fp[256]; /* expected "sha-256 ..." of the server, "" = don't check */
	bool server_fp_ok;
	X509 *server_cert; /* peer cert seen by the client (reference) */
	unsigned long app_rx;
};

static int tp_client_verify(X509_STORE_CTX *st, void *arg)
{
	struct tp_client *cl = arg;
	X509 *x = X509_STORE_CTX_get0_cert(st);
	char fp[256];
	if (cl->server_fp[0]) {
		tp_fingerprint(x, EVP_sha256(), "sha-256", false, fp, sizeof(fp));
		cl->server_fp_ok = strcmp(fp, cl->server_fp) == 0;
		if (!cl->server_fp_ok)
			return 0;
	}
	return 1;
}

static unsigned int tp_fast_timer(SSL *s, unsigned int us)
{
	(void)s;
	return us == 0 ? 100000 : us * 2;
}

/* srtp: OpenSSL profile list or NULL (no use_srtp); cert: NULL = no client cert. */
static inline bool tp_client_init(struct tp_client *cl, const struct tp_cert *cert, const char *srtp,
				  uint16_t mtu, int max_version)
{
	memset(cl, 0, sizeof(*cl));
	cl->mtu = mtu;
	cl->ctx = SSL_CTX_new(DTLS_client_method());
	if (!cl->ctx)
		return false;
	if (max_version) {
		SSL_CTX_set_min_proto_version(cl->ctx, 0);
		SSL_CTX_set_max_proto_version(cl->ctx, max_version);
		SSL_CTX_set_cipher_list(cl->ctx, "ALL:@SECLEVEL=0");
	}
	if (cert && (SSL_CTX_use_certificate(cl->ctx, cert->x) != 1 ||
		     SSL_CTX_use_PrivateKey(cl->ctx, cert->k) != 1))
		return false;
	if (srtp && SSL_CTX_set_tlsext_use_srtp(cl->ctx, srtp) != 0)
		return false;
	SSL_CTX_set_verify(cl->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_cert_verify_callback(cl->ctx, tp_client_verify, cl);
	cl->ssl = SSL_new(cl->ctx);
	cl->rb = BIO_new(BIO_s_mem());
	cl->wb = BIO_new(BIO_s_mem());
	if (!cl->ssl || !cl->rb || !cl->wb)
		return false;
	BIO_set_mem_eof_return(cl->rb, -1);
	BIO_set_mem_eof_return(cl->wb, -1);
	SSL_set_bio(cl->ssl, cl->rb, cl->wb);
	SSL_set_options(cl->ssl, SSL_OP_NO_QUERY_MTU);
	SSL_set_mtu(cl->ssl, mtu);
	DTLS_set_timer_cb(cl->ssl, tp_fast_timer);
	SSL_set_connect_state(cl->ssl);
	return true;
}

static inline void tp_client_free(struct tp_client *cl)
{
	SSL_free(cl->ssl);
	SSL_CTX_free(cl->ctx);
	memset(cl, 0, sizeof(*cl));
}

/* Advance the client after input (or to start). */
static inline void tp_client_drive(struct tp_client *cl)
{
	unsigned char buf[4096];
	if (cl->failed || cl->closed)
		return;
	if (!cl->done) {
		int r = SSL_do_handshake(cl->ssl);
		if (r == 1) {
			cl->done = true;
			cl->server_cert = SSL_get0_peer_certificate(cl->ssl);
		} else {
			int e = SSL_get_error(cl->ssl, r);
			if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
				cl->failed = true;
			ERR_clear_error();
			return;
		}
	}
	for (;;) {
		int n = SSL_read(cl->ssl, buf, sizeof(buf));
		if (n > 0) {
			cl->app_rx += (unsigned long)n;
			continue;
		}
		int e = SSL_get_error(cl->ssl, n);
		if (e == SSL_ERROR_ZERO_RETURN)
			cl->closed = true;
		else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			cl->failed = true;
		ERR_clear_error();
		return;
	}
}

/* Next client datagram: whole records packed up to the client MTU. */
static inline int tp_client_pop(struct tp_client *cl, uint8_t *buf, size_t cap)
{
	char *p;
	long avail = BIO_get_mem_data(cl->wb, &p);
	size_t off = 0;
	if (avail <= 0)
		return 0;
	while (off + 13 <= (size_t)avail) {
		size_t r = 13 + ((size_t)(uint8_t)p[off + 11] << 8 | (uint8_t)p[off + 12]);
		if (off && off + r > cl->mtu)
			break;
		off += r;
	}
	if (off == 0 || off > cap || off > (size_t)avail)
		return -1;
	return BIO_read(cl->wb, buf, (int)off);
}

static inline void tp_client_push(struct tp_client *cl, const uint8_t *d, int n)
{
	BIO_write(cl->rb, d, n);
	tp_client_drive(cl);
}

/* Drop policy: return true to lose this datagram. dir 0 = client->server. */
typedef bool (*tp_drop_fn)(int dir, int idx, void *arg);

struct tp_pump_stats {
	int c2s, s2c;        /* datagrams delivered/dropped so far, per direction */
	size_t max_s2c_len;  /* largest server datagram seen */
	int in_err;          /* last non-zero sg_dtls_conn_input() result */
};

static inline void tp_trace(const char *dir, const uint8_t *d, int n)
{
	if (!getenv("TP_TRACE"))
		return;
	fprintf(stderr, "%s %d:", dir, n);
	for (int off = 0; off + 13 <= n;) {
		int rl = d[off + 11] << 8 | d[off + 12];
		fprintf(stderr, " [t%d v%02x e%d s%d l%d", d[off], d[off + 2], d[off + 3] << 8 | d[off + 4], d[off + 10], rl);
		if (d[off] == 22 && (d[off + 3] | d[off + 4]) == 0)
			fprintf(stderr, " hs%d ms%d", d[off + 13], d[off + 13 + 4] << 8 | d[off + 13 + 5]);
		fprintf(stderr, "]");
		off += 13 + rl;
	}
	fprintf(stderr, "\n");
}

/* Exchange datagrams until neither side has anything to send. */
static inline void tp_pump(struct tp_client *cl, struct sg_dtls_conn *conn, tp_drop_fn drop,
			   void *arg, struct tp_pump_stats *st)
{
	uint8_t buf[20000];
	bool progress = true;
	while (progress) {
		int n;
		progress = false;
		while ((n = tp_client_pop(cl, buf, sizeof(buf))) > 0) {
			progress = true;
			tp_trace("C>S", buf, n);
			if (!drop || !drop(0, st->c2s, arg)) {
				int r = sg_dtls_conn_input(conn, buf, (size_t)n, 0);
				if (r)
					st->in_err = r;
			}
			st->c2s++;
		}
		while ((n = sg_dtls_conn_output(conn, buf, sizeof(buf))) > 0) {
			progress = true;
			if ((size_t)n > st->max_s2c_len)
				st->max_s2c_len = (size_t)n;
			tp_trace("S>C", buf, n);
			if (!drop || !drop(1, st->s2c, arg))
				tp_client_push(cl, buf, n);
			st->s2c++;
		}
	}
}

/* Sleep until a deadline on the sg_now_ns() clock. */
static inline void tp_sleep_until(uint64_t deadline)
{
	uint64_t now = sg_now_ns();
	if (deadline > now) {
		struct timespec ts = {(time_t)((deadline - now) / 1000000000ull),
				      (long)((deadline - now) % 1000000000ull)};
		nanosleep(&ts, NULL);
	}
}

/* Discard everything the server has to send (a lost flight). */
static inline void tp_drain(struct sg_dtls_conn *c)
{
	uint8_t b[2000];
	while (sg_dtls_conn_output(c, b, sizeof(b)) > 0)
		;
}

#endif /* SG_DTLS_TEST_PEER_H */
