/* SPDX-License-Identifier: BSD-3-Clause
 * streamgate.yaml: schema, loaders, defaults.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_common.h"
#include "config_priv.h"

void sg_config_init(struct sg_config *c)
{
	memset(c, 0, sizeof(*c));
	sg_strlcpy(c->file, "<built-in>", sizeof(c->file));
	c->log_level = SG_LOG_NOTICE;
	sg_strlcpy(c->ctl_socket, "/run/streamgate/ctl.sock", sizeof(c->ctl_socket));
	c->ctl_mode = 0660;
	c->main_lcore = 0;
	c->workers[0] = 1;
	c->n_workers = 1;
	c->hugepages = false;
	c->mem_mb = 512;
	sg_strlcpy(c->file_prefix, "streamgate", sizeof(c->file_prefix));
	c->mbufs = 16383;
	c->mbuf_cache = 256;
	c->burst = 32;
	c->drain_us = 100;
	c->idle_sleep_us = 0;
	c->http_port = 8889;
	c->media_port = 8189;
	c->rtsp_port = 8554;
	c->rtsp_udp_min = 20000;
	c->rtsp_udp_max = 29999;
	c->rtsp_read_timeout_s = 10;
	c->rtsp_on_demand_close_s = 10;
}

/* Parse state: the reader must stay the first member (field callbacks get the reader). */
struct cfg_parse {
	struct sg_yp y;
	struct sg_config cfg;
	struct sg_config_marks mk;
};

#define CP(y) ((struct cfg_parse *)(void *)(y))
#define CFG_OFF(f) offsetof(struct sg_config, f)
#define PORT_OFF(f) offsetof(struct sg_config_port, f)
#define PATH_OFF(f) offsetof(struct sg_config_path, f)
#define FSZ(t, f) sizeof(((t *)0)->f)

/* ---- scalar callbacks ---- */

static int fn_log_level(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config *c = obj;
	char name[64];
	yaml_mark_t m;
	int rc, lvl;

	SG_UNUSED(f);
	if ((rc = sg_yp_str(y, name, sizeof(name), 1, SG_YCS_NOSPACE, &m)))
		return rc;
	lvl = sg_log_level_parse(name);
	if (lvl < 0) {
		char q[24];
		sg_yp_quote(q, sizeof(q), name, strlen(name));
		return sg_yp_errf(y, &m, "unknown log level \"%s\" (err|warn|notice|info|debug)", q);
	}
	c->log_level = lvl;
	return 0;
}

static int fn_ctl_socket(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config *c = obj;
	yaml_mark_t m;
	int rc;

	SG_UNUSED(f);
	if ((rc = sg_yp_str(y, c->ctl_socket, sizeof(c->ctl_socket), 1, SG_YCS_NOSPACE, &m)))
		return rc;
	if (c->ctl_socket[0] != '/')
		return sg_yp_errf(y, &m, "must be an absolute path");
	return 0;
}

static int fn_ctl_mode(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config *c = obj;
	yaml_mark_t m;
	int rc;

	SG_UNUSED(f);
	if ((rc = sg_yp_scalar(y, &m)))
		return rc;
	const char *s = y->sval;
	bool ok = y->slen == 4 && s[0] == '0';
	for (int i = 1; ok && i < 4; i++)
		ok = s[i] >= '0' && s[i] <= '7';
	if (!ok) {
		char q[24];
		sg_yp_quote(q, sizeof(q), y->sval, y->slen);
		return sg_yp_errf(y, &m, "expected an octal mode like \"0660\", got \"%s\"", q);
	}
	uint32_t mode = (uint32_t)strtoul(s, NULL, 8);
	if ((mode & 0600) != 0600)
		return sg_yp_errf(y, &m, "mode %s must give the owner read and write (0600)", s);
	c->ctl_mode = mode;
	return 0;
}

/* A YAML sequence of CPU numbers (0..SG_CONFIG_MAX_LCORE, at most
 * SG_CONFIG_MAX_WORKERS of them, "what" names them in errors), into out[]
 * and, when marks is not NULL, each item's position; unique: no repeats. */
static int cpu_list(struct sg_yp *y, yaml_mark_t *list, unsigned *out, yaml_mark_t *marks, bool unique,
		    const char *what, unsigned *n_out)
{
	unsigned n = 0;
	int rc;

	if ((rc = sg_yp_seq_begin(y, list)))
		return rc;
	while ((rc = sg_yp_seq_item(y)) == 1) {
		size_t old = sg_yp_push_index(y, n);
		uint64_t v;
		yaml_mark_t m = *sg_yp_mark(y);
		if (n == SG_CONFIG_MAX_WORKERS)
			return sg_yp_errf(y, &m, "too many %s (max %d)", what, SG_CONFIG_MAX_WORKERS);
		if ((rc = sg_yp_uint(y, 0, SG_CONFIG_MAX_LCORE, &v, &m)))
			return rc;
		for (unsigned i = 0; unique && i < n; i++)
			if (out[i] == v)
				return sg_yp_errf(y, &m, "cpu %u listed twice (also lcores.workers[%u])",
						  (unsigned)v, i);
		out[n] = (unsigned)v;
		if (marks)
			marks[n] = m;
		n++;
		sg_yp_pop(y, old);
	}
	if (rc < 0)
		return rc;
	*n_out = n;
	return 0;
}

static int fn_workers(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config *c = obj;
	struct sg_config_marks *mk = &CP(y)->mk;
	unsigned n = 0;
	int rc;

	SG_UNUSED(f);
	mk->workers_set = true;
	if ((rc = cpu_list(y, &mk->workers_list, c->workers, mk->workers, true, "workers", &n)))
		return rc;
	if (n == 0)
		return sg_yp_errf(y, &mk->workers_list, "must list at least one worker cpu");
	c->n_workers = n;
	return 0;
}

/* lcores.worker_cpus: the CPU of each worker lcore; a CPU may repeat. */
static int fn_worker_cpus(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config *c = obj;
	struct sg_config_marks *mk = &CP(y)->mk;

	SG_UNUSED(f);
	return cpu_list(y, &mk->worker_cpus_list, c->worker_cpus, NULL, false, "cpus", &c->n_worker_cpus);
}

/* "a.b.c.d" strictly (inet_pton: no octal, no short forms). */
static int parse_ipv4(const char *s, uint32_t *out)
{
	struct in_addr a;
	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*out = ntohl(a.s_addr);
	return 0;
}

/* The next scalar (an address), quoted into q for messages; "missing value" if null. */
static int addr_scalar(struct sg_yp *y, yaml_mark_t *m, char *q, size_t qlen)
{
	int rc = sg_yp_scalar(y, m);
	if (rc)
		return rc;
	sg_yp_quote(q, qlen, y->sval, y->slen);
	return y->snull ? sg_yp_errf(y, m, "missing value") : 0;
}

static int fn_ipv4(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config_port *p = obj;
	char s[32], q[40];
	yaml_mark_t m;
	int rc;

	SG_UNUSED(f);
	if ((rc = addr_scalar(y, &m, q, sizeof(q))))
		return rc;
	char *slash = y->slen < sizeof(s) ? memchr(y->sval, '/', y->slen) : NULL;
	if (!slash)
		return sg_yp_errf(y, &m, "expected address/prefix like 198.18.0.1/24, got \"%s\"", q);
	memcpy(s, y->sval, y->slen + 1);
	s[slash - y->sval] = '\0';
	const char *pl = s + (slash - y->sval) + 1;
	if (parse_ipv4(s, &p->ipv4))
		return sg_yp_errf(y, &m, "invalid IPv4 address in \"%s\"", q);
	size_t pn = strlen(pl);
	bool ok = pn >= 1 && pn <= 2 && pl[0] >= '1' && pl[0] <= '9' && (pn == 1 || (pl[1] >= '0' && pl[1] <= '9'));
	unsigned plen = ok ? (unsigned)atoi(pl) : 0;
	if (!ok || plen > 32)
		return sg_yp_errf(y, &m, "prefix length must be 1..32 in \"%s\"", q);
	p->prefix_len = (uint8_t)plen;
	return 0;
}

static int fn_gateway(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config_port *p = obj;
	char s[32], q[40];
	yaml_mark_t m;
	int rc;

	SG_UNUSED(f);
	if ((rc = addr_scalar(y, &m, q, sizeof(q))))
		return rc;
	if (y->slen >= sizeof(s) || (memcpy(s, y->sval, y->slen + 1), parse_ipv4(s, &p->gateway)))
		return sg_yp_errf(y, &m, "invalid IPv4 address \"%s\"", q);
	if (p->gateway == 0)
		return sg_yp_errf(y, &m, "0.0.0.0 is not a valid gateway (omit the key for none)");
	return 0;
}

static int fn_profile_name(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config_port *p = obj;
	yaml_mark_t m;
	int rc;

	SG_UNUSED(f);
	if ((rc = sg_yp_str(y, p->profile, sizeof(p->profile), 1, SG_YCS_IDENT, &m)))
		return rc;
	if (!sg_config_profile_name_ok(p->profile))
		return sg_yp_errf(y, &m, "profile names are [a-z0-9_]");
	return 0;
}

static const struct sg_yfield port_fields[SG_PF__N] = {
	[SG_PF_NAME] = {"name", SG_YF_STR, PORT_OFF(name), FSZ(struct sg_config_port, name), 1, 0, SG_YCS_IDENT, true, NULL},
	[SG_PF_DEVICE] = {"device", SG_YF_STR, PORT_OFF(device), FSZ(struct sg_config_port, device), 1, 0, SG_YCS_NOSPACE, true, NULL},
	[SG_PF_PROFILE] = {"profile", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_profile_name},
	[SG_PF_RXQ] = {"rx_queues", SG_YF_UINT, PORT_OFF(rx_queues), 2, 1, SG_CONFIG_MAX_QUEUES, 0, false, NULL},
	[SG_PF_TXQ] = {"tx_queues", SG_YF_UINT, PORT_OFF(tx_queues), 2, 1, SG_CONFIG_MAX_QUEUES, 0, false, NULL},
	[SG_PF_RXD] = {"rx_desc", SG_YF_UINT, PORT_OFF(rx_desc), 2, SG_CONFIG_MIN_DESC, SG_CONFIG_MAX_DESC, 0, false, NULL},
	[SG_PF_TXD] = {"tx_desc", SG_YF_UINT, PORT_OFF(tx_desc), 2, SG_CONFIG_MIN_DESC, SG_CONFIG_MAX_DESC, 0, false, NULL},
	[SG_PF_IPV4] = {"ipv4", SG_YF_FN, 0, 0, 0, 0, 0, true, fn_ipv4},
	[SG_PF_GW] = {"gateway", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_gateway},
	[SG_PF_TAP] = {"tap", SG_YF_STR, PORT_OFF(tap_name), FSZ(struct sg_config_port, tap_name), 1, 0, SG_YCS_IDENT, false, NULL},
	[SG_PF_MTU] = {"mtu", SG_YF_UINT, PORT_OFF(mtu), 2, 576, 9000, 0, false, NULL},
};

/* "net_af_packet0,iface=x" -> "af_packet" */
static bool profile_from_vdev(const char *dev, char *out, size_t size)
{
	size_t n = strcspn(dev, ",");
	if (n <= 4 || strncmp(dev, "net_", 4))
		return false;
	dev += 4;
	n -= 4;
	while (n && dev[n - 1] >= '0' && dev[n - 1] <= '9')
		n--;
	if (n == 0 || n >= size)
		return false;
	memcpy(out, dev, n);
	out[n] = '\0';
	return sg_config_profile_name_ok(out);
}

static int fn_ports(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config *c = obj;
	struct sg_config_marks *mk = &CP(y)->mk;
	unsigned n = 0;
	int rc;

	SG_UNUSED(f);
	if ((rc = sg_yp_seq_begin(y, &mk->ports_list)))
		return rc;
	mk->ports_set = true;
	while ((rc = sg_yp_seq_item(y)) == 1) {
		size_t old = sg_yp_push_index(y, n);
		if (n == SG_CONFIG_MAX_PORTS)
			return sg_yp_errf(y, sg_yp_mark(y), "too many ports (max %d)", SG_CONFIG_MAX_PORTS);
		struct sg_config_port *p = &c->ports[n];
		memset(p, 0, sizeof(*p));
		p->mtu = 1500;
		if ((rc = sg_yp_map_fields(y, port_fields, SG_PF__N, p, mk->port[n], &mk->port_seen[n],
					   &mk->port_item[n])))
			return rc;
		p->is_pci = sg_config_is_pci(p->device);
		if (!p->profile[0] && (p->is_pci || !profile_from_vdev(p->device, p->profile, sizeof(p->profile))))
			return sg_yp_errf(y, &mk->port_item[n],
					  "missing key 'profile' (it can only be derived from a net_<driver>N vdev)");
		if (!p->tap_name[0])
			snprintf(p->tap_name, sizeof(p->tap_name), "sg-%.12s", p->name);
		n++;
		c->n_ports = n;
		sg_yp_pop(y, old);
	}
	if (rc < 0)
		return rc;
	c->n_ports = n;
	return 0;
}

static int fn_transport(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config_path *p = obj;
	yaml_mark_t m;
	int rc;

	SG_UNUSED(f);
	if ((rc = sg_yp_scalar(y, &m)))
		return rc;
	if (!strcmp(y->sval, "auto"))
		p->transport = SG_CONFIG_TRANSPORT_AUTO;
	else if (!strcmp(y->sval, "tcp"))
		p->transport = SG_CONFIG_TRANSPORT_TCP;
	else if (!strcmp(y->sval, "udp"))
		p->transport = SG_CONFIG_TRANSPORT_UDP;
	else {
		char q[24];
		sg_yp_quote(q, sizeof(q), y->sval, y->slen);
		return sg_yp_errf(y, &m, "expected auto, tcp or udp, got \"%s\"", q);
	}
	return 0;
}

static const struct sg_yfield path_fields[SG_HF__N] = {
	[SG_HF_SOURCE] = {"source", SG_YF_STR, PATH_OFF(source), FSZ(struct sg_config_path, source), 1, 0, SG_YCS_NOSPACE, true, NULL},
	[SG_HF_TRANSPORT] = {"transport", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_transport},
	[SG_HF_ONDEMAND] = {"source_on_demand", SG_YF_BOOL, PATH_OFF(source_on_demand), sizeof(bool), 0, 0, 0, false, NULL},
	[SG_HF_TOKEN] = {"read_token", SG_YF_STR, PATH_OFF(read_token), FSZ(struct sg_config_path, read_token), 0, 0, SG_YCS_NOSPACE, false, NULL},
	[SG_HF_USER] = {"publish_user", SG_YF_STR, PATH_OFF(publish_user), FSZ(struct sg_config_path, publish_user), 0, 0, SG_YCS_NOSPACE, false, NULL},
	[SG_HF_PASS] = {"publish_pass", SG_YF_STR, PATH_OFF(publish_pass), FSZ(struct sg_config_path, publish_pass), 0, 0, SG_YCS_PRINT, false, NULL},
	[SG_HF_TLS_VERIFY] = {"tls_verify", SG_YF_BOOL, PATH_OFF(tls_verify), sizeof(bool), 0, 0, 0, false, NULL},
	[SG_HF_TLS_CA] = {"tls_ca_file", SG_YF_STR, PATH_OFF(tls_ca_file), FSZ(struct sg_config_path, tls_ca_file), 1, 0, SG_YCS_NOSPACE, false, NULL},
	[SG_HF_TLS_FP] = {"tls_fingerprint", SG_YF_STR, PATH_OFF(tls_fingerprint), FSZ(struct sg_config_path, tls_fingerprint), 1, 0, SG_YCS_NOSPACE, false, NULL},
};

static int fn_paths(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	struct sg_config *c = obj;
	struct sg_config_marks *mk = &CP(y)->mk;
	char name[FSZ(struct sg_config_path, name)];
	yaml_mark_t lm, km;
	unsigned n = 0;
	int rc;

	SG_UNUSED(f);
	c->n_paths = 0;
	if ((rc = sg_yp_map_begin(y, &lm)))
		return rc;
	while ((rc = sg_yp_map_key(y, name, sizeof(name), &km)) == 1) {
		size_t old = sg_yp_push_key(y, name);
		if (!sg_config_path_name_ok(name))
			return sg_yp_errf(y, &km, "path names are [A-Za-z0-9._~-] and not \".\" or \"..\"");
		for (unsigned i = 0; i < n; i++)
			if (!strcmp(c->paths[i].name, name))
				return sg_yp_errf(y, &km, "duplicate key");
		if (n == SG_CONFIG_MAX_PATHS)
			return sg_yp_errf(y, &km, "too many paths (max %d)", SG_CONFIG_MAX_PATHS);
		struct sg_config_path *p = &c->paths[n];
		memset(p, 0, sizeof(*p));
		memcpy(p->name, name, sizeof(name));
		p->tls_verify = true;
		mk->path_key[n] = km;
		if ((rc = sg_yp_map_fields(y, path_fields, SG_HF__N, p, mk->path[n], NULL, NULL)))
			return rc;
		n++;
		c->n_paths = n;
		sg_yp_pop(y, old);
	}
	return rc < 0 ? rc : 0;
}

/* ---- sections ---- */

static int section(struct sg_yp *y, void *obj, const struct sg_yfield *f, size_t n, yaml_mark_t *marks)
{
	return sg_yp_map_fields(y, f, n, obj, marks, NULL, NULL);
}

static int fn_ctl(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	static const struct sg_yfield t[] = {
		{"socket", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_ctl_socket},
		{"mode", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_ctl_mode},
	};
	SG_UNUSED(f);
	return section(y, obj, t, SG_ARRAY_SIZE(t), NULL);
}

static int fn_lcores(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	static const struct sg_yfield t[] = {
		{"main", SG_YF_UINT, CFG_OFF(main_lcore), sizeof(unsigned), 0, SG_CONFIG_MAX_LCORE, 0, false, NULL},
		{"workers", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_workers},
		{"worker_cpus", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_worker_cpus},
	};
	yaml_mark_t m[3];
	int rc;
	SG_UNUSED(f);
	if ((rc = section(y, obj, t, SG_ARRAY_SIZE(t), m)))
		return rc;
	CP(y)->mk.main = m[0];
	return 0;
}

static int fn_memory(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	static const struct sg_yfield t[] = {
		{"hugepages", SG_YF_BOOL, CFG_OFF(hugepages), sizeof(bool), 0, 0, 0, false, NULL},
		{"size_mb", SG_YF_UINT, CFG_OFF(mem_mb), sizeof(unsigned), 64, 65536, 0, false, NULL},
		{"file_prefix", SG_YF_STR, CFG_OFF(file_prefix), FSZ(struct sg_config, file_prefix), 1, 0, SG_YCS_IDENT, false, NULL},
	};
	SG_UNUSED(f);
	return section(y, obj, t, SG_ARRAY_SIZE(t), NULL);
}

static int fn_mempool(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	static const struct sg_yfield t[] = {
		{"mbufs", SG_YF_UINT, CFG_OFF(mbufs), sizeof(unsigned), 1023, 4194303, 0, false, NULL},
		{"cache", SG_YF_UINT, CFG_OFF(mbuf_cache), sizeof(unsigned), 0, 512, 0, false, NULL},
	};
	yaml_mark_t m[2];
	int rc;
	SG_UNUSED(f);
	if ((rc = section(y, obj, t, SG_ARRAY_SIZE(t), m)))
		return rc;
	CP(y)->mk.mbufs = m[0];
	CP(y)->mk.cache = m[1];
	return 0;
}

static int fn_fastpath(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	static const struct sg_yfield t[] = {
		{"burst", SG_YF_UINT, CFG_OFF(burst), sizeof(unsigned), 1, 256, 0, false, NULL},
		{"tx_drain_us", SG_YF_UINT, CFG_OFF(drain_us), sizeof(unsigned), 1, 100000, 0, false, NULL},
		{"idle_sleep_us", SG_YF_UINT, CFG_OFF(idle_sleep_us), sizeof(unsigned), 0, 10000, 0, false, NULL},
	};
	SG_UNUSED(f);
	return section(y, obj, t, SG_ARRAY_SIZE(t), NULL);
}

static int fn_whep(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	static const struct sg_yfield t[] = {
		{"http_port", SG_YF_UINT, CFG_OFF(http_port), sizeof(uint16_t), 1, 65535, 0, false, NULL},
		{"media_port", SG_YF_UINT, CFG_OFF(media_port), sizeof(uint16_t), 1, 65535, 0, false, NULL},
		{"cert_file", SG_YF_STR, CFG_OFF(dtls_cert), sizeof(((struct sg_config *)0)->dtls_cert), 1, 0, SG_YCS_NOSPACE, false, NULL},
		{"key_file", SG_YF_STR, CFG_OFF(dtls_key), sizeof(((struct sg_config *)0)->dtls_key), 1, 0, SG_YCS_NOSPACE, false, NULL},
	};
	SG_UNUSED(f);
	return section(y, obj, t, SG_ARRAY_SIZE(t), NULL);
}

static int fn_rtsp(struct sg_yp *y, void *obj, const struct sg_yfield *f)
{
	static const struct sg_yfield t[] = {
		{"port", SG_YF_UINT, CFG_OFF(rtsp_port), sizeof(uint16_t), 1, 65535, 0, false, NULL},
		{"udp_port_min", SG_YF_UINT, CFG_OFF(rtsp_udp_min), sizeof(uint16_t), 1024, 65534, 0, false, NULL},
		{"udp_port_max", SG_YF_UINT, CFG_OFF(rtsp_udp_max), sizeof(uint16_t), 1025, 65535, 0, false, NULL},
		{"read_timeout_s", SG_YF_UINT, CFG_OFF(rtsp_read_timeout_s), sizeof(unsigned), 1, 600, 0, false, NULL},
		{"on_demand_close_after_s", SG_YF_UINT, CFG_OFF(rtsp_on_demand_close_s), sizeof(unsigned), 0, 3600, 0, false, NULL},
	};
	SG_UNUSED(f);
	return section(y, obj, t, SG_ARRAY_SIZE(t), NULL);
}

static const struct sg_yfield root_fields[] = {
	{"log_level", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_log_level},
	{"ctl", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_ctl},
	{"lcores", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_lcores},
	{"memory", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_memory},
	{"mempool", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_mempool},
	{"fastpath", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_fastpath},
	{"ports", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_ports},
	{"whep", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_whep},
	{"rtsp", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_rtsp},
	{"paths", SG_YF_FN, 0, 0, 0, 0, 0, false, fn_paths},
	{"drivers_dir", SG_YF_STR, CFG_OFF(drivers_dir), FSZ(struct sg_config, drivers_dir), 1, 0, SG_YCS_PRINT, false, NULL},
};

int sg_config_load_buf(struct sg_config *c, const char *name, const char *buf, size_t len,
		       char *err, size_t errlen)
{
	struct cfg_parse *cp;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (strlen(name) >= sizeof(c->file)) {
		if (err && errlen)
			snprintf(err, errlen, "%.64s...: file name too long", name);
		return -ENAMETOOLONG;
	}
	if (!buf) {
		buf = "";
		len = 0;
	}
	cp = calloc(1, sizeof(*cp));
	if (!cp) {
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	cp->cfg = *c;
	sg_strlcpy(cp->cfg.file, name, sizeof(cp->cfg.file));
	if ((rc = sg_yp_open(&cp->y, cp->cfg.file, buf, len, err, errlen)))
		goto out;
	if ((rc = sg_yp_doc_begin(&cp->y)) <= 0) {
		if (rc == 0)
			rc = sg_yp_errf(&cp->y, NULL, "empty configuration");
		goto out;
	}
	if ((rc = sg_yp_peek(&cp->y)))
		goto out;
	if (cp->y.ev.type != YAML_MAPPING_START_EVENT) {
		rc = sg_yp_errf(&cp->y, sg_yp_mark(&cp->y), "the top level must be a mapping of keys");
		goto out;
	}
	if ((rc = sg_yp_map_fields(&cp->y, root_fields, SG_ARRAY_SIZE(root_fields), &cp->cfg, NULL, NULL,
				   &cp->mk.root)))
		goto out;
	if ((rc = sg_yp_doc_end(&cp->y)))
		goto out;
	if ((rc = sg_config_validate_marks(&cp->cfg, &cp->mk, err, errlen)))
		goto out;
	*c = cp->cfg;
out:
	sg_yp_close(&cp->y);
	/* The only secrets are in paths (tokens, passwords, URLs), including
	 * the entry being parsed when an error stopped us. */
	sg_secure_zero(cp->cfg.paths, sizeof(cp->cfg.paths[0]) *
		       SG_MIN(SG_MAX(c->n_paths, cp->cfg.n_paths) + 1, SG_CONFIG_MAX_PATHS));
	free(cp);
	return rc;
}

int sg_config_load_file(struct sg_config *c, const char *path, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (strlen(path) >= sizeof(c->file)) {
		if (err && errlen)
			snprintf(err, errlen, "%.64s...: file name too long", path);
		return -ENAMETOOLONG;
	}
	if ((rc = sg_config_read_file(path, &buf, &len))) {
		if (err && errlen) {
			if (rc == -EFBIG)
				snprintf(err, errlen, "%s: file too large (max %u bytes)", path, SG_CONFIG_MAX_FILE_SIZE);
			else
				snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		}
		return rc;
	}
	rc = sg_config_load_buf(c, path, buf, len, err, errlen);
	sg_secure_zero(buf, len);
	free(buf);
	return rc;
}
