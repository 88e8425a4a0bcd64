/* SPDX-License-Identifier: BSD-3-Clause
 * RTSP authentication: Basic (RFC 7617) and Digest (RFC 2617, RFC 7616),
 * client (answer a challenge) and server (challenge, verify) sides.
 * Passwords never reach the log; buffers that held them are wiped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "rtsp_priv.h"

#define MAX_HEX (EVP_MAX_MD_SIZE * 2 + 1)

/* ---- auth-param lists, RFC 7235 §2.1 ------------------------------------- */
/*
 * Read the next "key=value" or "key=\"quoted\"" pair from *pp. Returns 1
 * with key/val filled, 0 at the end, -EINVAL when malformed or too long.
 */
static int next_param(const char **pp, char *key, size_t kl, char *val, size_t vl)
{
	const char *p = *pp;
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return 0;
	size_t k = 0;
	while (*p && *p != '=' && *p != ' ' && *p != '\t' && *p != ',') {
		if (k + 1 >= kl)
			return -EINVAL;
		key[k++] = *p++;
	}
	key[k] = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=' || !k)
		return -EINVAL;
	p++;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t v = 0;
	if (*p == '"') {
		p++;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1])
				p++;
			if (v + 1 >= vl)
				return -EINVAL;
			val[v++] = *p++;
		}
		if (*p != '"')
			return -EINVAL;
		p++;
	} else {
		while (*p && *p != ',' && *p != ' ' && *p != '\t') {
			if (v + 1 >= vl)
				return -EINVAL;
			val[v++] = *p++;
		}
	}
	val[v] = '\0';
	*pp = p;
	return 1;
}

static int parse_alg(const char *v, enum sg_rtsp_digest_alg *alg)
{
	if (!strcasecmp(v, "MD5"))
		*alg = SG_RTSP_DIGEST_MD5;
	else if (!strcasecmp(v, "MD5-sess"))
		*alg = SG_RTSP_DIGEST_MD5_SESS;
	else if (!strcasecmp(v, "SHA-256"))
		*alg = SG_RTSP_DIGEST_SHA256;
	else if (!strcasecmp(v, "SHA-256-sess"))
		*alg = SG_RTSP_DIGEST_SHA256_SESS;
	else
		return -EPROTONOSUPPORT;
	return 0;
}

static const char *alg_name(enum sg_rtsp_digest_alg a)
{
	switch (a) {
	case SG_RTSP_DIGEST_MD5_SESS: return "MD5-sess";
	case SG_RTSP_DIGEST_SHA256: return "SHA-256";
	case SG_RTSP_DIGEST_SHA256_SESS: return "SHA-256-sess";
	default: return "MD5";
	}
}

static bool alg_sess(enum sg_rtsp_digest_alg a)
{
	return a == SG_RTSP_DIGEST_MD5_SESS || a == SG_RTSP_DIGEST_SHA256_SESS;
}

/* Scheme token at the start of a header value; returns the rest. */
static const char *scheme_of(const char *v, enum sg_rtsp_auth_scheme *s)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strcspn(v, " \t");
	*s = SG_RTSP_AUTH_NONE;
	if (n == 6 && !strncasecmp(v, "Digest", 6))
		*s = SG_RTSP_AUTH_DIGEST;
	else if (n == 5 && !strncasecmp(v, "Basic", 5))
		*s = SG_RTSP_AUTH_BASIC;
	return v + n;
}

/* ---- client side ---------------------------------------------------------- */
int sg_rtsp_auth_challenge_parse(const char *value, struct sg_rtsp_auth_challenge *c)
{
	char key[32], val[512];
	int r;
	if (!value || !c)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	const char *p = scheme_of(value, &c->scheme);
	if (c->scheme == SG_RTSP_AUTH_NONE)
		return -EPROTONOSUPPORT;
	bool qop_seen = false;
	while ((r = next_param(&p, key, sizeof(key), val, sizeof(val))) == 1) {
		if (!strcasecmp(key, "realm")) {
			if (sg_strlcpy(c->realm, val, sizeof(c->realm)) >= sizeof(c->realm))
				return -EINVAL;
		} else if (!strcasecmp(key, "nonce")) {
			if (sg_strlcpy(c->nonce, val, sizeof(c->nonce)) >= sizeof(c->nonce))
				return -EINVAL;
		} else if (!strcasecmp(key, "opaque")) {
			if (sg_strlcpy(c->opaque, val, sizeof(c->opaque)) >= sizeof(c->opaque))
				return -EINVAL;
		} else if (!strcasecmp(key, "algorithm")) {
			if ((r = parse_alg(val, &c->alg)))
				return r;
		} else if (!strcasecmp(key, "stale")) {
			c->stale = !strcasecmp(val, "true");
		} else if (!strcasecmp(key, "qop")) {
			qop_seen = true;
			c->qop_auth = rtsp_public_has(val, "auth");
		}
	}
	if (r < 0)
		return r;
	if (c->scheme == SG_RTSP_AUTH_DIGEST) {
		if (!c->nonce[0])
			return -EINVAL;
		/* RFC 7616 §3.3: qop offered but only auth-int, which we don't do */
		if (qop_seen && !c->qop_auth)
			return -EPROTONOSUPPORT;
	}
	return 0;
}

static int challenge_rank(const struct sg_rtsp_auth_challenge *c)
{
	if (c->scheme == SG_RTSP_AUTH_BASIC)
		return 1;
	if (c->alg == SG_RTSP_DIGEST_SHA256 || c->alg == SG_RTSP_DIGEST_SHA256_SESS)
		return 3;
	return 2;
}

int sg_rtsp_auth_challenge_pick(const struct sg_rtsp_msg *m, struct sg_rtsp_auth_challenge *c)
{
	struct sg_rtsp_auth_challenge tmp;
	int best = 0;
	const char *v;
	for (unsigned i = 0; (v = sg_rtsp_msg_header_n(m, "WWW-Authenticate", i)); i++) {
		if (sg_rtsp_auth_challenge_parse(v, &tmp))
			continue;
		int rk = challenge_rank(&tmp);
		if (rk > best) {
			best = rk;
			*c = tmp;
		}
	}
	return best ? 0 : -EPROTONOSUPPORT;
}

static const EVP_MD *alg_md(enum sg_rtsp_digest_alg a)
{
	return (a == SG_RTSP_DIGEST_SHA256 || a == SG_RTSP_DIGEST_SHA256_SESS) ? EVP_sha256() : EVP_md5();
}

/* hex(H(parts[0] ":" parts[1] ":" ...)) */
static int hash_parts(enum sg_rtsp_digest_alg a, char *hex, const char *const *parts, unsigned n)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdl = 0;
	int ok = 0;
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	if (!x)
		return -ENOMEM;
	if (EVP_DigestInit_ex(x, alg_md(a), NULL) != 1)
		goto out;
	for (unsigned i = 0; i < n; i++) {
		if (i && EVP_DigestUpdate(x, ":", 1) != 1)
			goto out;
		if (EVP_DigestUpdate(x, parts[i], strlen(parts[i])) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(x, md, &mdl) != 1)
		goto out;
	rtsp_hex(md, mdl, hex);
	ok = 1;
out:
	EVP_MD_CTX_free(x);
	sg_secure_zero(md, sizeof(md));
	return ok ? 0 : -EIO;
}

/* RFC 7616 §3.4.1 response computation. */
static int digest_response(enum sg_rtsp_digest_alg alg, const char *user, const char *realm,
			   const char *pass, const char *nonce, const char *cnonce, const char *nc,
			   const char *qop, const char *method, const char *uri, char *out)
{
	char ha1[MAX_HEX], ha2[MAX_HEX];
	int r;
	const char *p1[] = {user, realm, pass};
	if ((r = hash_parts(alg, ha1, p1, 3)))
		goto out;
	if (alg_sess(alg)) {
		const char *ps[] = {ha1, nonce, cnonce};
		char t[MAX_HEX];
		if ((r = hash_parts(alg, t, ps, 3)))
			goto out;
		memcpy(ha1, t, sizeof(t));
		sg_secure_zero(t, sizeof(t));
	}
	const char *p2[] = {method, uri};
	if ((r = hash_parts(alg, ha2, p2, 2)))
		goto out;
	if (qop && *qop) {
		const char *pr[] = {ha1, nonce, nc, cnonce, qop, ha2};
		r = hash_parts(alg, out, pr, 6);
	} else { /* RFC 2069 compatibility (no qop): cameras still do this */
		const char *pr[] = {ha1, nonce, ha2};
		r = hash_parts(alg, out, pr, 3);
	}
out:
	sg_secure_zero(ha1, sizeof(ha1));
	return r;
}

/* Append a quoted-string with '"' and '\\' escaped (RFC 7230 §3.2.6). */
static int put_quoted(char *out, size_t n, size_t *off, const char *s)
{
	int r = sg_bprintf(out, n, off, "\"");
	for (; *s && !r; s++)
		r = sg_bprintf(out, n, off, (*s == '"' || *s == '\\') ? "\\%c" : "%c", *s);
	return r ? r : sg_bprintf(out, n, off, "\"");
}

int sg_rtsp_auth_build(const struct sg_rtsp_auth_challenge *c, const char *user,
		       const char *pass, const char *method, const char *uri, uint32_t nc,
		       const char *cnonce, char *out, size_t n)
{
	size_t off = 0;
	int r;
	if (!c || !user || !pass || !method || !uri || !out || !n)
		return -EINVAL;
	if (c->scheme == SG_RTSP_AUTH_BASIC) {
		/* RFC 7617 §2: base64(user ":" pass) */
		size_t ul = strlen(user), pl = strlen(pass);
		if (ul + pl > 510)
			return -EINVAL;
		unsigned char raw[512], b64[700];
		memcpy(raw, user, ul);
		raw[ul] = ':';
		memcpy(raw + ul + 1, pass, pl);
		int bl = EVP_EncodeBlock(b64, raw, (int)(ul + pl + 1));
		r = bl < 0 ? -EIO : sg_bprintf(out, n, &off, "Basic %s", (char *)b64);
		sg_secure_zero(raw, sizeof(raw));
		sg_secure_zero(b64, sizeof(b64));
		return r;
	}
	if (c->scheme != SG_RTSP_AUTH_DIGEST)
		return -EINVAL;
	char cn[40], ncs[9], resp[MAX_HEX];
	if (c->qop_auth || alg_sess(c->alg)) {
		if (!cnonce) {
			uint8_t rnd[16];
			if ((r = rtsp_random(rnd, sizeof(rnd))))
				return r;
			rtsp_hex(rnd, sizeof(rnd), cn);
			cnonce = cn;
		}
	} else {
		cnonce = "";
	}
	snprintf(ncs, sizeof(ncs), "%08x", nc);
	if ((r = digest_response(c->alg, user, c->realm, pass, c->nonce, cnonce, ncs,
				 c->qop_auth ? "auth" : NULL, method, uri, resp)))
		return r;
	r = sg_bprintf(out, n, &off, "Digest username=");
	if (!r)
		r = put_quoted(out, n, &off, user);
	if (!r)
		r = sg_bprintf(out, n, &off, ", realm=");
	if (!r)
		r = put_quoted(out, n, &off, c->realm);
	if (!r)
		r = sg_bprintf(out, n, &off, ", nonce=");
	if (!r)
		r = put_quoted(out, n, &off, c->nonce);
	if (!r)
		r = sg_bprintf(out, n, &off, ", uri=");
	if (!r)
		r = put_quoted(out, n, &off, uri);
	if (!r)
		r = sg_bprintf(out, n, &off, ", response=\"%s\"", resp);
	if (!r && c->alg != SG_RTSP_DIGEST_MD5)
		r = sg_bprintf(out, n, &off, ", algorithm=%s", alg_name(c->alg));
	if (!r && c->opaque[0]) {
		r = sg_bprintf(out, n, &off, ", opaque=");
		if (!r)
			r = put_quoted(out, n, &off, c->opaque);
	}
	if (!r && c->qop_auth)
		r = sg_bprintf(out, n, &off, ", qop=auth, nc=%s, cnonce=\"%s\"", ncs, cnonce);
	return r;
}

/* ---- server side ---------------------------------------------------------- */
void sg_rtsp_authz_wipe(struct sg_rtsp_authz *a)
{
	sg_secure_zero(a, sizeof(*a));
}

#define CPY(field) \
	do { \
		if (sg_strlcpy(a->field, val, sizeof(a->field)) >= sizeof(a->field)) \
			goto bad; \
	} while (0)

int sg_rtsp_authz_parse(const char *value, struct sg_rtsp_authz *a)
{
	char key[32], val[SG_RTSP_URL_MAX + 8];
	int r;
	if (!value || !a)
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	const char *p = scheme_of(value, &a->scheme);
	if (a->scheme == SG_RTSP_AUTH_BASIC) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t l = strcspn(p, " \t");
		unsigned char dec[400];
		if (l == 0 || l % 4 || l > 520)
			goto bad;
		int dl = EVP_DecodeBlock(dec, (const unsigned char *)p, (int)l);
		if (dl < 0)
			goto bad;
		/* EVP_DecodeBlock counts '=' padding as zero bytes */
		if (l >= 1 && p[l - 1] == '=')
			dl--;
		if (l >= 2 && p[l - 2] == '=')
			dl--;
		dec[dl] = '\0';
		char *colon = memchr(dec, ':', (size_t)dl);
		if (!colon || memchr(dec, '\0', (size_t)dl) ||
		    (size_t)(colon - (char *)dec) >= sizeof(a->username) ||
		    strlen(colon + 1) >= sizeof(a->basic_pass)) {
			sg_secure_zero(dec, sizeof(dec));
			goto bad;
		}
		*colon = '\0';
		sg_strlcpy(a->username, (char *)dec, sizeof(a->username));
		sg_strlcpy(a->basic_pass, colon + 1, sizeof(a->basic_pass));
		sg_secure_zero(dec, sizeof(dec));
		return 0;
	}
	if (a->scheme != SG_RTSP_AUTH_DIGEST)
		return -EPROTONOSUPPORT;
	while ((r = next_param(&p, key, sizeof(key), val, sizeof(val))) == 1) {
		if (!strcasecmp(key, "username"))
			CPY(username);
		else if (!strcasecmp(key, "realm"))
			CPY(realm);
		else if (!strcasecmp(key, "nonce"))
			CPY(nonce);
		else if (!strcasecmp(key, "uri"))
			CPY(uri);
		else if (!strcasecmp(key, "response"))
			CPY(response);
		else if (!strcasecmp(key, "cnonce"))
			CPY(cnonce);
		else if (!strcasecmp(key, "nc"))
			CPY(nc);
		else if (!strcasecmp(key, "qop"))
			CPY(qop);
		else if (!strcasecmp(key, "opaque"))
			CPY(opaque);
		else if (!strcasecmp(key, "algorithm") && parse_alg(val, &a->alg))
			goto bad;
	}
	if (r < 0 || !a->username[0] || !a->nonce[0] || !a->response[0])
		goto bad;
	if (a->qop[0] && (strcasecmp(a->qop, "auth") || !a->cnonce[0] || !a->nc[0]))
		goto bad;
	return 0;
bad:
	sg_rtsp_authz_wipe(a);
	return -EINVAL;
}
#undef CPY

struct sg_rtsp_auth_server {
	char realm[128];
	uint8_t secret[32];
	uint64_t ttl_ns;
	enum sg_rtsp_digest_alg alg;
	bool allow_basic;
};

struct sg_rtsp_auth_server *sg_rtsp_auth_server_new(const char *realm, const uint8_t *secret,
						    size_t len, unsigned nonce_ttl_s,
						    enum sg_rtsp_digest_alg alg, bool allow_basic)
{
	struct sg_rtsp_auth_server *s;
	if (!realm || strlen(realm) >= sizeof(s->realm) || strchr(realm, '"') ||
	    (secret && !len) || alg_sess(alg)) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	sg_strlcpy(s->realm, realm, sizeof(s->realm));
	if (secret) {
		/* fold an arbitrary-length secret to 32 bytes */
		unsigned int l = 0;
		if (!EVP_Digest(secret, len, s->secret, &l, EVP_sha256(), NULL))
			goto err;
	} else if (rtsp_random(s->secret, sizeof(s->secret))) {
		goto err;
	}
	s->ttl_ns = (uint64_t)(nonce_ttl_s ? nonce_ttl_s : 300) * 1000000000ull;
	s->alg = alg;
	s->allow_basic = allow_basic;
	return s;
err:
	sg_rtsp_auth_server_free(s);
	errno = EIO;
	return NULL;
}

void sg_rtsp_auth_server_free(struct sg_rtsp_auth_server *s)
{
	if (!s)
		return;
	sg_secure_zero(s, sizeof(*s));
	free(s);
}

/* nonce = hex(ts, 8 bytes BE) || hex(HMAC-SHA256(secret, ts)[0..16)) */
static int make_nonce(const struct sg_rtsp_auth_server *s, uint64_t ts, char out[49])
{
	uint8_t t[8], mac[EVP_MAX_MD_SIZE];
	unsigned int ml = 0;
	for (int i = 0; i < 8; i++)
		t[i] = (uint8_t)(ts >> (56 - 8 * i));
	if (!HMAC(EVP_sha256(), s->secret, sizeof(s->secret), t, sizeof(t), mac, &ml))
		return -EIO;
	rtsp_hex(t, 8, out);
	rtsp_hex(mac, 16, out + 16);
	return 0;
}

int sg_rtsp_auth_server_challenge(struct sg_rtsp_auth_server *s, uint64_t now_ns, bool stale,
				  char *out, size_t n)
{
	char nonce[49];
	size_t off = 0;
	int r = make_nonce(s, now_ns, nonce);
	if (r)
		return r;
	r = sg_bprintf(out, n, &off, "Digest realm=\"%s\", nonce=\"%s\"", s->realm, nonce);
	if (!r && s->alg != SG_RTSP_DIGEST_MD5)
		r = sg_bprintf(out, n, &off, ", algorithm=%s", alg_name(s->alg));
	if (!r && stale)
		r = sg_bprintf(out, n, &off, ", stale=true");
	return r;
}

static bool ct_streq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	/* compare over the expected length; the length itself is not secret */
	return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}

int sg_rtsp_auth_server_verify(struct sg_rtsp_auth_server *s, const char *authz,
			       const char *method, const char *user, const char *pass,
			       uint64_t now_ns)
{
	struct sg_rtsp_authz a;
	char resp[MAX_HEX];
	int r = -EACCES;
	if (!s || !authz || !method || !user || !pass)
		return -EACCES;
	if (sg_rtsp_authz_parse(authz, &a))
		return -EACCES;
	if (a.scheme == SG_RTSP_AUTH_BASIC) {
		if (s->allow_basic && ((int)ct_streq(a.username, user) & (int)ct_streq(a.basic_pass, pass)))
			r = 0;
		goto out;
	}
	if (a.alg != s->alg || strcmp(a.realm, s->realm) || !ct_streq(a.username, user))
		goto out;
	/* nonce: our MAC over its timestamp, RFC 7616 §5.4 */
	if (strlen(a.nonce) != 48)
		goto out;
	uint64_t ts = 0;
	for (int i = 0; i < 16; i++) {
		int c = a.nonce[i], v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			goto out;
		ts = ts << 4 | (uint64_t)v;
	}
	char expect[49];
	if (make_nonce(s, ts, expect) || CRYPTO_memcmp(expect, a.nonce, 48) || ts > now_ns)
		goto out;
	if (digest_response(a.alg, a.username, s->realm, pass, a.nonce, a.cnonce, a.nc, a.qop,
			    method, a.uri, resp))
		goto out;
	if (!ct_streq(resp, a.response))
		goto out;
	r = (now_ns - ts > s->ttl_ns) ? -ESTALE : 0;
out:
	sg_rtsp_authz_wipe(&a);
	sg_secure_zero(resp, sizeof(resp));
	return r;
}
