/* SPDX-License-Identifier: BSD-3-Clause
 * From the YAML configuration and the drivers-config profiles to the fast
 * path's configuration.
 */
#include <errno.h>
#include <stdbool.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app_priv.h"
#include "sg_common.h"

void sg_app_drivers_dir(struct sg_config *cfg)
{
	char tmp[sizeof(cfg->file)], cand[512];

	if (cfg->drivers_dir[0])
		return;
	sg_strlcpy(tmp, cfg->file, sizeof(tmp));
	snprintf(cand, sizeof(cand), "%s/drivers-config", dirname(tmp));
	if (access(cand, R_OK | X_OK) == 0 && strlen(cand) < sizeof(cfg->drivers_dir))
		sg_strlcpy(cfg->drivers_dir, cand, sizeof(cfg->drivers_dir));
	else
		sg_strlcpy(cfg->drivers_dir, SG_DRIVERS_DIR, sizeof(cfg->drivers_dir));
}

static uint32_t offloads_of(uint64_t cfg_bits)
{
	static const struct { uint64_t c; uint32_t f; } map[] = {
		{SG_CONFIG_OFFLOAD_IPV4_CKSUM, SG_FP_OFF_IPV4_CKSUM},
		{SG_CONFIG_OFFLOAD_UDP_CKSUM, SG_FP_OFF_UDP_CKSUM},
		{SG_CONFIG_OFFLOAD_TCP_CKSUM, SG_FP_OFF_TCP_CKSUM},
		{SG_CONFIG_OFFLOAD_RSS_HASH, SG_FP_OFF_RSS_HASH},
		{SG_CONFIG_OFFLOAD_MULTI_SEGS, SG_FP_OFF_MULTI_SEGS},
		{SG_CONFIG_OFFLOAD_VLAN, SG_FP_OFF_VLAN},
	};
	uint32_t f = 0;
	for (unsigned i = 0; i < SG_ARRAY_SIZE(map); i++)
		if (cfg_bits & map[i].c)
			f |= map[i].f;
	return f;
}

/*
 * The profile's devargs, less the keys the device string already sets (the
 * operator's word wins): "qpairs=1,framecnt=512" with device
 * "net_af_packet0,iface=x,qpairs=2" gives "framecnt=512".
 */
static int devargs_merge(const char *device, const char *profile, char *out, size_t len)
{
	char buf[256], key[80];
	size_t off = 0;

	out[0] = '\0';
	if (sg_strlcpy(buf, profile, sizeof(buf)) >= sizeof(buf))
		return -ENOSPC;
	for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		size_t klen = strcspn(kv, "=");
		const char *d = strchr(device, ',');
		bool present = false;
		if (klen + 2 > sizeof(key))
			return -ENOSPC;
		snprintf(key, sizeof(key), "%.*s=", (int)klen, kv);
		for (; d; d = strchr(d + 1, ','))
			if (strncmp(d + 1, key, klen + 1) == 0)
				present = true;
		if (!present && sg_bprintf(out, len, &off, "%s%s", off ? "," : "", kv) < 0)
			return -ENOSPC;
	}
	return 0;
}

int sg_app_fp_conf_build(const struct sg_config *cfg, struct sg_fp_conf *fpc, char *err, size_t errlen)
{
	memset(fpc, 0, sizeof(*fpc));
	fpc->eal.main_lcore = cfg->main_lcore;
	fpc->eal.n_workers = cfg->n_workers;
	for (unsigned i = 0; i < cfg->n_workers; i++)
		fpc->eal.workers[i] = cfg->workers[i];
	fpc->eal.n_worker_cpus = cfg->n_worker_cpus;
	for (unsigned i = 0; i < cfg->n_worker_cpus; i++)
		fpc->eal.worker_cpus[i] = cfg->worker_cpus[i];
	fpc->eal.hugepages = cfg->hugepages;
	fpc->eal.mem_mb = cfg->mem_mb;
	fpc->eal.log_level = cfg->log_level;
	sg_strlcpy(fpc->eal.file_prefix, cfg->file_prefix, sizeof(fpc->eal.file_prefix));
	fpc->mbufs = cfg->mbufs;
	fpc->mbuf_cache = cfg->mbuf_cache;
	fpc->burst = cfg->burst;
	fpc->drain_us = cfg->drain_us;
	fpc->idle_sleep_us = cfg->idle_sleep_us;
	fpc->media_ports[0] = cfg->media_port;
	fpc->n_media_ports = 1;
	fpc->n_ports = cfg->n_ports;
	for (unsigned i = 0; i < cfg->n_ports; i++) {
		const struct sg_config_port *cp = &cfg->ports[i];
		struct sg_fp_port_conf *p = &fpc->ports[i];
		struct sg_config_profile prof;
		char perr[256];

		if (sg_config_profile_load(&prof, cfg->drivers_dir, cp->profile, perr, sizeof(perr)) < 0) {
			snprintf(err, errlen, "ports[%u] (%s): profile '%s': %s", i, cp->name, cp->profile,
				 perr);
			return -EINVAL;
		}
		sg_strlcpy(p->name, cp->name, sizeof(p->name));
		sg_strlcpy(p->device, cp->device, sizeof(p->device));
		if (devargs_merge(cp->device, prof.devargs, p->devargs, sizeof(p->devargs)) < 0) {
			snprintf(err, errlen, "ports[%u] (%s): devargs too long", i, cp->name);
			return -EINVAL;
		}
		p->is_pci = cp->is_pci;
		sg_strlcpy(p->profile, prof.name, sizeof(p->profile));
		sg_strlcpy(p->profile_driver, prof.driver, sizeof(p->profile_driver));
		p->rx_queues = cp->rx_queues;
		p->tx_queues = cp->tx_queues;
		p->rx_desc = cp->rx_desc ? cp->rx_desc : prof.rx_desc;
		p->tx_desc = cp->tx_desc ? cp->tx_desc : prof.tx_desc;
		p->mtu = cp->mtu;
		p->want_rx_offloads = offloads_of(prof.rx_offloads);
		p->want_tx_offloads = offloads_of(prof.tx_offloads);
		p->rss = prof.rss;
		p->ipv4 = cp->ipv4;
		p->prefix_len = cp->prefix_len;
		p->gateway = cp->gateway;
		sg_strlcpy(p->tap_name, cp->tap_name, sizeof(p->tap_name));
	}
	return 0;
}
