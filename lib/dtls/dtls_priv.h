/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dtls internals shared by cert.c, ctx.c and conn.c.
 */
#ifndef SG_DTLS_PRIV_H
#define SG_DTLS_PRIV_H

#include <stdbool.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "sg_dtls.h"

#define DTLS_TAG "dtls"

/* RFC 6347 §4.1: type(1) version(2) epoch(2) sequence_number(6) length(2). */
#define DTLS_RECORD_HDR_LEN 13

#define DTLS_ERR_LEN 160

struct sg_dtls_cert {
	X509 *x509;
	EVP_PKEY *pkey;
	STACK_OF(X509) *chain; /* extra certs from the PEM file, may be NULL */
};

struct sg_dtls_ctx {
	SSL_CTX *ssl_ctx;
	uint32_t timer_initial_us, timer_max_us;
	char srtp_profiles[128];
};

/* A parsed RFC 8122 fingerprint. */
struct dtls_fingerprint {
	const EVP_MD *md;
	unsigned int len;
	uint8_t digest[EVP_MAX_MD_SIZE];
};

struct sg_dtls_conn {
	SSL *ssl;
	BIO *rbio, *wbio; /* memory BIOs: datagram in, records out */
	enum sg_dtls_state state;
	uint16_t mtu;
	uint32_t timer_initial_us, timer_max_us;
	struct dtls_fingerprint remote_fp;
	bool fp_mismatch;     /* verify callback refused the peer cert */
	bool no_srtp_offer;   /* ClientHello callback: no use_srtp extension */
	bool no_common_srtp;  /* ClientHello callback: no SRTP profile in common */
	int peer_alert;       /* last alert received (SSL info callback value), -1 none */
	int sent_alert;       /* last alert we sent, -1 none */
	struct sg_dtls_conn_stats stats;
	char err[DTLS_ERR_LEN];
};

/* cert.c */
int dtls_fingerprint_parse(const char *s, struct dtls_fingerprint *fp);
bool dtls_fingerprint_match(const struct dtls_fingerprint *fp, X509 *x);

/* ctx.c */
unsigned int dtls_timer_cb(SSL *ssl, unsigned int timer_us);

static inline struct sg_dtls_conn *dtls_conn_from_ssl(const SSL *ssl)
{
	return (struct sg_dtls_conn *)SSL_get_app_data(ssl);
}

#endif /* SG_DTLS_PRIV_H */
