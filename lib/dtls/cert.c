/* SPDX-License-Identifier: BSD-3-Clause
 * lib/dtls certificates: generation, PEM loading, RFC 8122 fingerprints.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "sg_common.h"
#include "dtls_priv.h"

#define CERT_CN "streamgate"
#define CERT_DAYS 30

static void log_ossl(const char *what, const char *path)
{
	unsigned long e = ERR_peek_last_error();
	const char *r = e ? ERR_reason_error_string(e) : NULL;
	SG_ERR(DTLS_TAG, "%s%s%s: %s", what, path ? " " : "", path ? path : "",
	       r ? r : "unknown OpenSSL error");
	ERR_clear_error();
}

void sg_dtls_cert_free(struct sg_dtls_cert *cert)
{
	if (!cert)
		return;
	X509_free(cert->x509);
	EVP_PKEY_free(cert->pkey); /* OpenSSL clears private key material on free */
	if (cert->chain)
		sk_X509_pop_free(cert->chain, X509_free);
	free(cert);
}

/* Random positive 63-bit serial (RFC 5280 §4.1.2.2: positive, <= 20 octets). */
static int set_random_serial(X509 *x)
{
	unsigned char b[8];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return 0;
	b[0] &= 0x7f;
	b[0] |= 0x01; /* never zero */
	bn = BN_bin2bn(b, sizeof(b), NULL);
	if (bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		ok = 1;
	BN_free(bn);
	return ok;
}

struct sg_dtls_cert *sg_dtls_cert_generate(void)
{
	struct sg_dtls_cert *c = calloc(1, sizeof(*c));
	X509_NAME *name = NULL;
	int err = EIO;

	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	ERR_clear_error();
	c->pkey = EVP_EC_gen("P-256");
	c->x509 = X509_new();
	name = X509_NAME_new();
	if (!c->pkey || !c->x509 || !name) {
		err = ENOMEM;
		goto err;
	}
	if (!X509_set_version(c->x509, X509_VERSION_3) || !set_random_serial(c->x509))
		goto err;
	/* notBefore one day back tolerates the peer's clock skew (as browsers do). */
	if (!X509_gmtime_adj(X509_getm_notBefore(c->x509), -24L * 3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(c->x509), (long)CERT_DAYS * 24 * 3600))
		goto err;
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)CERT_CN, -1,
					-1, 0))
		goto err;
	if (!X509_set_subject_name(c->x509, name) || !X509_set_issuer_name(c->x509, name))
		goto err;
	if (!X509_set_pubkey(c->x509, c->pkey) || !X509_sign(c->x509, c->pkey, EVP_sha256()))
		goto err;
	X509_NAME_free(name);
	return c;
err:
	log_ossl("cannot generate the DTLS certificate", NULL);
	X509_NAME_free(name);
	sg_dtls_cert_free(c);
	errno = err;
	return NULL;
}

/* Never prompt for a passphrase: encrypted keys are refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	SG_UNUSED(buf);
	SG_UNUSED(size);
	SG_UNUSED(rwflag);
	SG_UNUSED(u);
	return -1;
}

static FILE *open_pem(const char *path, const char *what)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		SG_ERR(DTLS_TAG, "cannot open %s %s: %s", what, path, strerror(e));
		errno = e;
	}
	return f;
}

struct sg_dtls_cert *sg_dtls_cert_load(const char *cert_pem_path, const char *key_pem_path)
{
	struct sg_dtls_cert *c = NULL;
	FILE *f = NULL;
	X509 *x;
	int err = EINVAL;

	if (!cert_pem_path || !key_pem_path) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		errno = ENOMEM;
		return NULL;
	}
	ERR_clear_error();
	f = open_pem(cert_pem_path, "certificate");
	if (!f) {
		err = errno;
		goto err;
	}
	c->x509 = PEM_read_X509(f, NULL, no_passphrase, NULL);
	if (!c->x509) {
		log_ossl("no PEM certificate in", cert_pem_path);
		goto err;
	}
	while ((x = PEM_read_X509(f, NULL, no_passphrase, NULL)) != NULL) {
		if (!c->chain && !(c->chain = sk_X509_new_null())) {
			X509_free(x);
			err = ENOMEM;
			goto err;
		}
		if (!sk_X509_push(c->chain, x)) {
			X509_free(x);
			err = ENOMEM;
			goto err;
		}
	}
	ERR_clear_error(); /* end of file ends the chain loop */
	fclose(f);

	f = open_pem(key_pem_path, "private key");
	if (!f) {
		err = errno;
		goto err;
	}
	c->pkey = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	fclose(f);
	f = NULL;
	if (!c->pkey) {
		/* The reason string never contains key material. */
		log_ossl("no usable unencrypted PEM private key in", key_pem_path);
		goto err;
	}
	if (X509_check_private_key(c->x509, c->pkey) != 1) {
		ERR_clear_error();
		SG_ERR(DTLS_TAG, "private key %s does not match certificate %s", key_pem_path,
		       cert_pem_path);
		goto err;
	}
	return c;
err:
	if (f)
		fclose(f);
	sg_dtls_cert_free(c);
	errno = err;
	return NULL;
}

/* RFC 8122 §5 hash-func names (md2/md5 are refused: RFC 8122 §5 says SHOULD NOT). */
static const struct {
	const char *name;
	const EVP_MD *(*md)(void);
} fp_algs[] = {
	{"sha-1", EVP_sha1},     {"sha-224", EVP_sha224}, {"sha-256", EVP_sha256},
	{"sha-384", EVP_sha384}, {"sha-512", EVP_sha512},
};

static int format_fingerprint(const char *alg, const uint8_t *d, unsigned int n, char *out,
			      size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t need = strlen(alg) + 1 + (size_t)n * 3; /* "alg " + "XX:"*n - ':' + NUL */
	size_t off;

	if (n == 0 || len < need)
		return -ENOSPC;
	off = (size_t)sprintf(out, "%s ", alg);
	for (unsigned int i = 0; i < n; i++) {
		out[off++] = hex[d[i] >> 4];
		out[off++] = hex[d[i] & 15];
		out[off++] = i + 1 < n ? ':' : '\0';
	}
	return 0;
}

int sg_dtls_cert_fingerprint(const struct sg_dtls_cert *cert, char *out, size_t len)
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!cert || !out)
		return -EINVAL;
	if (X509_digest(cert->x509, EVP_sha256(), d, &n) != 1) {
		ERR_clear_error();
		return -EINVAL;
	}
	return format_fingerprint("sha-256", d, n, out, len);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse "<hash-func> XX:XX:..." (RFC 8122 §5; hex case-insensitive). */
int dtls_fingerprint_parse(const char *s, struct dtls_fingerprint *fp)
{
	const char *sp;
	size_t alen;
	unsigned int want, n = 0;

	memset(fp, 0, sizeof(*fp));
	while (*s == ' ' || *s == '\t')
		s++;
	sp = strpbrk(s, " \t");
	if (!sp)
		return -EINVAL;
	alen = (size_t)(sp - s);
	for (size_t i = 0; i < SG_ARRAY_SIZE(fp_algs); i++) {
		if (strlen(fp_algs[i].name) == alen && !strncasecmp(s, fp_algs[i].name, alen)) {
			fp->md = fp_algs[i].md();
			break;
		}
	}
	if (!fp->md)
		return -EINVAL;
	want = (unsigned int)EVP_MD_get_size(fp->md);
	s = sp;
	while (*s == ' ' || *s == '\t')
		s++;
	for (;;) {
		int hi = hexval((unsigned char)s[0]);
		int lo = hi < 0 ? -1 : hexval((unsigned char)s[1]);
		if (lo < 0 || n >= want)
			return -EINVAL;
		fp->digest[n++] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (*s != ':')
			break;
		s++;
	}
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	if (*s || n != want)
		return -EINVAL;
	fp->len = n;
	return 0;
}

/* Digest x with the offer's hash and compare in constant time (RFC 8122 §5, RFC 8827 §6.5). */
bool dtls_fingerprint_match(const struct dtls_fingerprint *fp, X509 *x)
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!fp->md || !x || X509_digest(x, fp->md, d, &n) != 1 || n != fp->len) {
		ERR_clear_error();
		return false;
	}
	return CRYPTO_memcmp(d, fp->digest, n) == 0;
}
