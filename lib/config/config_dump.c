/* SPDX-License-Identifier: BSD-3-Clause
 * Effective configuration as YAML (streamgatectl config). Secrets (tokens,
 * passwords, the password in an rtsp:// URL) are masked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sg_common.h"
#include "config_priv.h"

/* YAML 1.1 double-quoted scalar (section 5.7 escapes). */
static int dq(char *buf, size_t len, size_t *off, const char *s)
{
	int rc = sg_bprintf(buf, len, off, "\"");
	for (; *s && !rc; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			rc = sg_bprintf(buf, len, off, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			rc = sg_bprintf(buf, len, off, "\\x%02x", ch);
		else
			rc = sg_bprintf(buf, len, off, "%c", ch);
	}
	return rc ? rc : sg_bprintf(buf, len, off, "\"");
}

/* rtsp://user:pass@host/... -> rtsp://user:***@host/... (the password is a secret). */
static int source_masked(char *buf, size_t len, size_t *off, const char *src)
{
	char tmp[sizeof(((struct sg_config_path *)0)->source) + 8];
	const char *auth = strstr(src, "://");
	const char *at = auth ? strchr(auth + 3, '@') : NULL;
	const char *colon = at ? memchr(auth + 3, ':', (size_t)(at - auth - 3)) : NULL;

	if (!at || at > auth + 3 + strcspn(auth + 3, "/") || !colon)
		return dq(buf, len, off, src);
	snprintf(tmp, sizeof(tmp), "%.*s***%s", (int)(colon + 1 - src), src, at);
	return dq(buf, len, off, tmp);
}

static const char *ip(uint32_t a, char *b)
{
	snprintf(b, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return b;
}

int sg_config_dump(const struct sg_config *c, char *buf, size_t len)
{
	size_t off = 0;
	int rc = 0;
	char a[16];

	if (!buf || !len)
		return -EINVAL;
	buf[0] = '\0';
#define P(...) do { if (!rc) rc = sg_bprintf(buf, len, &off, __VA_ARGS__); } while (0)
#define Q(s) do { if (!rc) rc = dq(buf, len, &off, s); } while (0)
	P("# streamgate effective configuration, loaded from ");
	Q(c->file);
	P("\nlog_level: %s\n", sg_log_level_name((enum sg_log_level)c->log_level));
	P("ctl:\n  socket: ");
	Q(c->ctl_socket);
	P("\n  mode: \"0%03o\"\n", c->ctl_mode & 0777);
	P("lcores:\n  main: %u\n  workers: [", c->main_lcore);
	for (unsigned i = 0; i < c->n_workers && i < SG_CONFIG_MAX_WORKERS; i++)
		P("%s%u", i ? ", " : "", c->workers[i]);
	if (c->n_worker_cpus) {
		P("]\n  worker_cpus: [");
		for (unsigned i = 0; i < c->n_worker_cpus && i < SG_CONFIG_MAX_WORKERS; i++)
			P("%s%u", i ? ", " : "", c->worker_cpus[i]);
	}
	P("]\nmemory:\n  hugepages: %s\n  size_mb: %u\n  file_prefix: ", c->hugepages ? "true" : "false",
	  c->mem_mb);
	Q(c->file_prefix);
	P("\nmempool:\n  mbufs: %u\n  cache: %u\n", c->mbufs, c->mbuf_cache);
	P("fastpath:\n  burst: %u\n  tx_drain_us: %u\n  idle_sleep_us: %u\n", c->burst, c->drain_us, c->idle_sleep_us);
	P("ports:%s\n", c->n_ports ? "" : " []");
	for (unsigned i = 0; i < c->n_ports && i < SG_CONFIG_MAX_PORTS; i++) {
		const struct sg_config_port *p = &c->ports[i];
		P("  - name: ");
		Q(p->name);
		P("\n    device: ");
		Q(p->device);
		P("    # %s\n    profile: ", p->is_pci ? "PCI" : "vdev");
		Q(p->profile);
		P("\n");
		if (p->rx_queues)
			P("    rx_queues: %u\n", p->rx_queues);
		else
			P("    # rx_queues: one per worker\n");
		if (p->tx_queues)
			P("    tx_queues: %u\n", p->tx_queues);
		else
			P("    # tx_queues: one per worker\n");
		if (p->rx_desc)
			P("    rx_desc: %u\n", p->rx_desc);
		else
			P("    # rx_desc: from profile\n");
		if (p->tx_desc)
			P("    tx_desc: %u\n", p->tx_desc);
		else
			P("    # tx_desc: from profile\n");
		P("    ipv4: %s/%u\n", ip(p->ipv4, a), p->prefix_len);
		if (p->gateway)
			P("    gateway: %s\n", ip(p->gateway, a));
		else
			P("    # gateway: none\n");
		P("    tap: ");
		Q(p->tap_name);
		P("\n    mtu: %u\n", p->mtu);
	}
	P("whep:\n  http_port: %u\n  media_port: %u\n", c->http_port, c->media_port);
	if (c->dtls_cert[0])
		P("  cert_file: %s\n  key_file: %s\n", c->dtls_cert, c->dtls_key[0] ? "(set)" : "");
	P("rtsp:\n  port: %u\n  udp_port_min: %u\n  udp_port_max: %u\n  read_timeout_s: %u\n"
	  "  on_demand_close_after_s: %u\n", c->rtsp_port, c->rtsp_udp_min, c->rtsp_udp_max,
	  c->rtsp_read_timeout_s, c->rtsp_on_demand_close_s);
	P("paths:%s\n", c->n_paths ? "" : " {}");
	for (unsigned i = 0; i < c->n_paths && i < SG_CONFIG_MAX_PATHS; i++) {
		const struct sg_config_path *p = &c->paths[i];
		P("  ");
		Q(p->name);
		P(":\n    source: ");
		if (!rc)
			rc = source_masked(buf, len, &off, p->source);
		P("\n    transport: %s\n    source_on_demand: %s\n", sg_config_transport_name(p->transport),
		  p->source_on_demand ? "true" : "false");
		/* Secrets never leave the process: only whether they are set. */
		if (p->read_token[0])
			P("    read_token: \"***\"\n");
		if (p->publish_user[0]) {
			P("    publish_user: ");
			Q(p->publish_user);
			P("\n");
		}
		if (p->publish_pass[0])
			P("    publish_pass: \"***\"\n");
		if (!strncmp(p->source, "rtsps://", 8))
			P("    tls_verify: %s\n", p->tls_verify ? "true" : "false");
		if (p->tls_ca_file[0]) {
			P("    tls_ca_file: ");
			Q(p->tls_ca_file);
			P("\n");
		}
		if (p->tls_fingerprint[0]) {
			P("    tls_fingerprint: ");
			Q(p->tls_fingerprint);
			P("\n");
		}
	}
	if (c->drivers_dir[0]) {
		P("drivers_dir: ");
		Q(c->drivers_dir);
		P("\n");
	}
#undef P
#undef Q
	return rc ? -ENOSPC : 0;
}
