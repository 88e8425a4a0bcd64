/* SPDX-License-Identifier: BSD-3-Clause
 * Cross-field validation of a parsed (or hand-built) configuration.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sg_common.h"
#include "config_priv.h"

struct vctx {
	const struct sg_config *c;
	const struct sg_config_marks *mk;   /* NULL: no line:col */
	char *err;
	size_t errlen;
};

static int verr(struct vctx *v, const yaml_mark_t *m, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int verr(struct vctx *v, const yaml_mark_t *m, const char *path, const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;

	if (!v->err || !v->errlen)
		return -EINVAL;
	if (v->mk && m)
		sg_bprintf(v->err, v->errlen, &off, "%s:%zu:%zu: %s: ", v->c->file, m->line + 1,
			   m->column + 1, path);
	else
		sg_bprintf(v->err, v->errlen, &off, "%s: %s: ", v->c->file, path);
	va_start(ap, fmt);
	if (off < v->errlen - 1)
		vsnprintf(v->err + off, v->errlen - off, fmt, ap);
	va_end(ap);
	for (char *s = v->err; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
	return -EINVAL;
}

#define MK(field) (v->mk ? &v->mk->field : NULL)

static const char *ip_str(uint32_t a, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

static uint32_t mask_of(unsigned plen)
{
	return plen == 0 ? 0 : plen >= 32 ? 0xffffffffu : ~((1u << (32 - plen)) - 1);
}

/* Why a host address cannot be used on the data plane (RFC 1122 3.2.1.3,
 * RFC 5771, RFC 1112 4), or NULL when it can. plen 0 skips the subnet checks. */
static const char *addr_problem(uint32_t a, unsigned plen)
{
	unsigned o = a >> 24;
	if (o == 0)
		return "is in 0.0.0.0/8 (\"this network\")";
	if (o == 127)
		return "is a loopback address";
	if (o >= 224 && o <= 239)
		return "is a multicast address";
	if (a == 0xffffffffu)
		return "is the broadcast address";
	if (o >= 240)
		return "is in the reserved range 240.0.0.0/4";
	if (plen >= 1 && plen <= 30) {
		uint32_t host = a & ~mask_of(plen);
		if (host == 0)
			return "is the subnet's network address";
		if (host == ~mask_of(plen))
			return "is the subnet's broadcast address";
	}
	return NULL;
}

static bool is_pow2(unsigned v)
{
	return v && !(v & (v - 1));
}

static int check_lcores(struct vctx *v)
{
	const struct sg_config *c = v->c;
	char kp[64];

	if (c->n_workers < 1 || c->n_workers > SG_CONFIG_MAX_WORKERS)
		return verr(v, MK(workers_list), "lcores.workers", "must list 1..%d worker cpus",
			    SG_CONFIG_MAX_WORKERS);
	if (c->main_lcore > SG_CONFIG_MAX_LCORE)
		return verr(v, MK(main), "lcores.main", "value %u out of range 0..%d", c->main_lcore,
			    SG_CONFIG_MAX_LCORE);
	for (unsigned i = 0; i < c->n_workers; i++) {
		snprintf(kp, sizeof(kp), "lcores.workers[%u]", i);
		const yaml_mark_t *wm = MK(workers[i]);
		if (c->workers[i] > SG_CONFIG_MAX_LCORE)
			return verr(v, wm, kp, "value %u out of range 0..%d", c->workers[i], SG_CONFIG_MAX_LCORE);
		for (unsigned j = 0; j < i; j++)
			if (c->workers[j] == c->workers[i])
				return verr(v, wm, kp, "cpu %u listed twice (also lcores.workers[%u])",
					    c->workers[i], j);
		if (c->workers[i] == c->main_lcore) {
			if (v->mk && !v->mk->workers_set)
				return verr(v, MK(main), "lcores.main",
					    "cpu %u is also a worker (lcores.workers[%u])", c->main_lcore, i);
			return verr(v, wm, kp, "cpu %u is the main lcore (lcores.main)", c->workers[i]);
		}
	}
	/* An empty list: lcore id = CPU id. Otherwise one CPU per worker. */
	if (c->n_worker_cpus && c->n_worker_cpus != c->n_workers)
		return verr(v, MK(worker_cpus_list), "lcores.worker_cpus",
			    "lists %u cpus for %u workers (one per worker, same order)", c->n_worker_cpus,
			    c->n_workers);
	for (unsigned i = 0; i < c->n_worker_cpus && i < SG_CONFIG_MAX_WORKERS; i++)
		if (c->worker_cpus[i] > SG_CONFIG_MAX_LCORE) {
			snprintf(kp, sizeof(kp), "lcores.worker_cpus[%u]", i);
			return verr(v, MK(worker_cpus_list), kp, "value %u out of range 0..%d",
				    c->worker_cpus[i], SG_CONFIG_MAX_LCORE);
		}
	return 0;
}

static int check_port(struct vctx *v, unsigned i)
{
	const struct sg_config *c = v->c;
	const struct sg_config_port *p = &c->ports[i];
	const yaml_mark_t *pm = v->mk ? v->mk->port[i] : NULL;
	char kp[64], a1[16], a2[16];
	const char *why;

#define PM(f) (pm ? &pm[SG_PF_##f] : NULL)
#define KP(k) (snprintf(kp, sizeof(kp), "ports[%u]%s", i, k), kp)
	if (!p->name[0])
		return verr(v, v->mk ? &v->mk->port_item[i] : NULL, KP(""), "missing key 'name'");
	if (!p->device[0])
		return verr(v, v->mk ? &v->mk->port_item[i] : NULL, KP(""), "missing key 'device'");
	if (!sg_config_profile_name_ok(p->profile))
		return verr(v, PM(PROFILE), KP(".profile"), "profile names are [a-z0-9_]");
	if (p->rx_desc && (!is_pow2(p->rx_desc) || p->rx_desc < SG_CONFIG_MIN_DESC || p->rx_desc > SG_CONFIG_MAX_DESC))
		return verr(v, PM(RXD), KP(".rx_desc"), "%u is not a power of two in %d..%d", p->rx_desc,
			    SG_CONFIG_MIN_DESC, SG_CONFIG_MAX_DESC);
	if (p->tx_desc && (!is_pow2(p->tx_desc) || p->tx_desc < SG_CONFIG_MIN_DESC || p->tx_desc > SG_CONFIG_MAX_DESC))
		return verr(v, PM(TXD), KP(".tx_desc"), "%u is not a power of two in %d..%d", p->tx_desc,
			    SG_CONFIG_MIN_DESC, SG_CONFIG_MAX_DESC);
	if (p->mtu < 576 || p->mtu > 9000)
		return verr(v, PM(MTU), KP(".mtu"), "value %u out of range 576..9000", p->mtu);
	if (!p->tap_name[0])
		return verr(v, PM(TAP), KP(".tap"), "must not be empty");
	if (p->prefix_len < 1 || p->prefix_len > 32)
		return verr(v, PM(IPV4), KP(".ipv4"), "prefix length must be 1..32");
	if ((why = addr_problem(p->ipv4, p->prefix_len)))
		return verr(v, PM(IPV4), KP(".ipv4"), "%s/%u %s", ip_str(p->ipv4, a1), p->prefix_len, why);
	if (p->gateway) {
		uint32_t m = mask_of(p->prefix_len);
		if ((p->gateway & m) != (p->ipv4 & m))
			return verr(v, PM(GW), KP(".gateway"), "%s is outside the port's subnet %s/%u",
				    ip_str(p->gateway, a1), ip_str(p->ipv4 & m, a2), p->prefix_len);
		if (p->gateway == p->ipv4)
			return verr(v, PM(GW), KP(".gateway"), "%s is the port's own address",
				    ip_str(p->gateway, a1));
		if ((why = addr_problem(p->gateway, p->prefix_len)))
			return verr(v, PM(GW), KP(".gateway"), "%s %s", ip_str(p->gateway, a1), why);
	}
	for (unsigned j = 0; j < i; j++) {
		const struct sg_config_port *q = &c->ports[j];
		if (!strcmp(q->name, p->name))
			return verr(v, PM(NAME), KP(".name"), "duplicate port name \"%s\" (also ports[%u])", p->name, j);
		if (!strcmp(q->device, p->device))
			return verr(v, PM(DEVICE), KP(".device"), "device already used by ports[%u]", j);
		if (!strcmp(q->tap_name, p->tap_name)) {
			const yaml_mark_t *tm = pm && (v->mk->port_seen[i] & (1u << SG_PF_TAP)) ? PM(TAP) : PM(NAME);
			return verr(v, tm, KP(".tap"), "TAP name \"%s\" already used by ports[%u]", p->tap_name, j);
		}
		uint32_t m = mask_of(SG_MIN(p->prefix_len, q->prefix_len));
		if ((p->ipv4 & m) == (q->ipv4 & m))
			return verr(v, PM(IPV4), KP(".ipv4"), "subnet %s/%u overlaps ports[%u] (%s/%u)",
				    ip_str(p->ipv4 & mask_of(p->prefix_len), a1), p->prefix_len, j,
				    ip_str(q->ipv4 & mask_of(q->prefix_len), a2), q->prefix_len);
		if (p->gateway && q->gateway)
			return verr(v, PM(GW), KP(".gateway"),
				    "only one port may have a gateway (ports[%u] has one)", j);
	}
#undef PM
#undef KP
	return 0;
}

/* RFC 6750 section 2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
static bool b64token_ok(const char *s)
{
	size_t i = 0;
	while (s[i] && (strchr("-._~+/", s[i]) || (s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
		i++;
	if (i == 0)
		return false;
	while (s[i] == '=')
		i++;
	return s[i] == '\0';
}

static int check_path(struct vctx *v, unsigned i)
{
	const struct sg_config_path *p = &v->c->paths[i];
	const yaml_mark_t *hm = v->mk ? v->mk->path[i] : NULL;
	const yaml_mark_t *km = v->mk ? &v->mk->path_key[i] : NULL;
	char kp[128];

#define HM(f) (hm ? &hm[SG_HF_##f] : NULL)
#define KP(k) (snprintf(kp, sizeof(kp), "paths.%s%s", p->name, k), kp)
	if (!sg_config_path_name_ok(p->name))
		return verr(v, km, KP(""), "path names are [A-Za-z0-9._~-] and not \".\" or \"..\"");
	for (unsigned j = 0; j < i; j++)
		if (!strcmp(v->c->paths[j].name, p->name))
			return verr(v, km, KP(""), "duplicate path");
	bool publisher = !strcmp(p->source, "publisher");
	bool rtsp = !strncmp(p->source, "rtsp://", 7) || !strncmp(p->source, "rtsps://", 8);
	if (rtsp) {
		const char *host = strstr(p->source, "://") + 3;
		const char *at = strchr(host, '@');
		if (at && at < host + strcspn(host, "/"))
			host = at + 1;
		rtsp = *host && *host != '/' && *host != ':';
	}
	if (!publisher && !rtsp)
		return verr(v, HM(SOURCE), KP(".source"),
			    "must be \"publisher\" or an rtsp:// or rtsps:// URL with a host");
	if (p->transport > SG_CONFIG_TRANSPORT_UDP)
		return verr(v, HM(TRANSPORT), KP(".transport"), "expected auto, tcp or udp");
	if (publisher && p->source_on_demand)
		return verr(v, HM(ONDEMAND), KP(".source_on_demand"), "needs an rtsp:// or rtsps:// source");
	if (publisher && p->transport != SG_CONFIG_TRANSPORT_AUTO)
		return verr(v, HM(TRANSPORT), KP(".transport"), "only applies to an rtsp:// or rtsps:// source");
	if (p->read_token[0] && !b64token_ok(p->read_token))
		return verr(v, HM(TOKEN), KP(".read_token"),
			    "only A-Z a-z 0-9 - . _ ~ + / and trailing = are allowed (RFC 6750 b64token)");
	if (p->publish_user[0] || p->publish_pass[0]) {
		if (!publisher)
			return verr(v, p->publish_user[0] ? HM(USER) : HM(PASS),
				    p->publish_user[0] ? KP(".publish_user") : KP(".publish_pass"),
				    "publish credentials need source: publisher");
		if (!p->publish_user[0] || !p->publish_pass[0])
			return verr(v, p->publish_user[0] ? HM(USER) : HM(PASS),
				    p->publish_user[0] ? KP(".publish_user") : KP(".publish_pass"),
				    "publish_user and publish_pass must be set together");
		/* RFC 7617 section 2: the user-id cannot contain a colon. */
		if (strchr(p->publish_user, ':'))
			return verr(v, HM(USER), KP(".publish_user"), "must not contain ':' (RFC 7617)");
	}
	bool tls = !strncmp(p->source, "rtsps://", 8);
	if (!tls && (!p->tls_verify || p->tls_ca_file[0] || p->tls_fingerprint[0]))
		return verr(v, !p->tls_verify ? HM(TLS_VERIFY) : p->tls_ca_file[0] ? HM(TLS_CA) : HM(TLS_FP),
			    !p->tls_verify ? KP(".tls_verify") : p->tls_ca_file[0] ? KP(".tls_ca_file")
									 : KP(".tls_fingerprint"),
			    "only applies to an rtsps:// source");
	if (p->tls_ca_file[0] && p->tls_ca_file[0] != '/')
		return verr(v, HM(TLS_CA), KP(".tls_ca_file"), "must be an absolute path");
	if (p->tls_fingerprint[0]) {
		uint8_t fp[SG_CONFIG_FINGERPRINT_LEN];
		if (sg_config_fingerprint_parse(p->tls_fingerprint, fp) < 0)
			return verr(v, HM(TLS_FP), KP(".tls_fingerprint"),
				    "expected \"sha256:\" and 32 hex bytes (AB:CD:... as `openssl x509 -fingerprint -sha256` prints)");
		if (p->tls_ca_file[0])
			return verr(v, HM(TLS_FP), KP(".tls_fingerprint"),
				    "a pinned fingerprint replaces tls_ca_file: set one of them");
	}
	if (!p->tls_verify && (p->tls_ca_file[0] || p->tls_fingerprint[0]))
		return verr(v, HM(TLS_VERIFY), KP(".tls_verify"),
			    "false turns off every check: drop tls_ca_file/tls_fingerprint or tls_verify");
#undef HM
#undef KP
	return 0;
}

int sg_config_validate_marks(const struct sg_config *c, const struct sg_config_marks *mk,
			     char *err, size_t errlen)
{
	struct vctx v = {c, mk, err, errlen};
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if ((rc = check_lcores(&v)))
		return rc;
	/* rte_mempool_create() refuses cache_size * 3 / 2 > n (CALC_CACHE_FLUSHTHRESH). */
	if (c->mbuf_cache > 512 || c->mbuf_cache * 3 / 2 > c->mbufs)
		return verr(&v, mk ? &mk->cache : NULL, "mempool.cache",
			    "%u too large for %u mbufs (need cache <= 512 and cache*3/2 <= mbufs)",
			    c->mbuf_cache, c->mbufs);
	if (c->n_ports < 1 || c->n_ports > SG_CONFIG_MAX_PORTS)
		return verr(&v, mk ? (mk->ports_set ? &mk->ports_list : &mk->root) : NULL, "ports",
			    "at least one port is required (max %d)", SG_CONFIG_MAX_PORTS);
	for (unsigned i = 0; i < c->n_ports; i++)
		if ((rc = check_port(&v, i)))
			return rc;
	if (c->n_paths > SG_CONFIG_MAX_PATHS)
		return verr(&v, NULL, "paths", "too many paths (max %d)", SG_CONFIG_MAX_PATHS);
	for (unsigned i = 0; i < c->n_paths; i++)
		if ((rc = check_path(&v, i)))
			return rc;
	if (c->http_port == 0 || c->media_port == 0)
		return verr(&v, NULL, "whep", "ports must be 1..65535");
	if (c->rtsp_udp_min & 1)
		return verr(&v, NULL, "rtsp.udp_port_min", "%u must be even (RTP ports are even, RFC 3550 s. 11)",
			    c->rtsp_udp_min);
	if (c->rtsp_udp_min >= c->rtsp_udp_max)
		return verr(&v, NULL, "rtsp.udp_port_max", "%u must be above udp_port_min %u",
			    c->rtsp_udp_max, c->rtsp_udp_min);
	if (c->media_port >= c->rtsp_udp_min && c->media_port <= c->rtsp_udp_max)
		return verr(&v, NULL, "rtsp", "UDP range %u-%u contains whep.media_port %u",
			    c->rtsp_udp_min, c->rtsp_udp_max, c->media_port);
	if (!c->dtls_cert[0] != !c->dtls_key[0])
		return verr(&v, NULL, "whep", "cert_file and key_file go together");
	return 0;
}

int sg_config_validate(const struct sg_config *c, char *err, size_t errlen)
{
	return sg_config_validate_marks(c, NULL, err, errlen);
}

bool sg_config_profile_name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return false;
	return n >= 1 && n <= 31;
}

bool sg_config_path_name_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
		      (s[n] >= '0' && s[n] <= '9') || strchr("._~-", s[n])))
			return false;
	return n >= 1 && n <= 63 && strcmp(s, ".") && strcmp(s, "..");
}

const struct sg_config_port *sg_config_port_find(const struct sg_config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_ports && i < SG_CONFIG_MAX_PORTS; i++)
		if (!strcmp(c->ports[i].name, name))
			return &c->ports[i];
	return NULL;
}

const struct sg_config_path *sg_config_path_find(const struct sg_config *c, const char *name)
{
	for (unsigned i = 0; i < c->n_paths && i < SG_CONFIG_MAX_PATHS; i++)
		if (!strcmp(c->paths[i].name, name))
			return &c->paths[i];
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sg_config_fingerprint_parse(const char *s, uint8_t out[SG_CONFIG_FINGERPRINT_LEN])
{
	int colons = -1; /* unknown until after the first byte */

	if (!s || strncasecmp(s, "sha256:", 7))
		return -EINVAL;
	s += 7;
	for (unsigned i = 0; i < SG_CONFIG_FINGERPRINT_LEN; i++) {
		if (i) {
			bool c = *s == ':';
			if (colons < 0)
				colons = c;
			if (c != (colons == 1))
				return -EINVAL;
			s += c;
		}
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return *s ? -EINVAL : 0;
}

const char *sg_config_transport_name(enum sg_config_transport t)
{
	switch (t) {
	case SG_CONFIG_TRANSPORT_AUTO: return "auto";
	case SG_CONFIG_TRANSPORT_TCP: return "tcp";
	case SG_CONFIG_TRANSPORT_UDP: return "udp";
	}
	return "?";
}
