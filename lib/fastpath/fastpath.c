/* SPDX-License-Identifier: BSD-3-Clause
 * Fast path life cycle: create (mempool, ports, TAPs), start (launch workers),
 * stop, destroy. Control path only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "fastpath_priv.h"
#include "sg_common.h"

#define TAG "fastpath"

int sg_fp_conf_inproc(struct sg_fp_conf *c, const char *device, unsigned n_workers,
		      const unsigned *lcores, unsigned mbufs, unsigned max_viewers)
{
	if (!c || !device || !n_workers || n_workers > SG_FP_MAX_WORKERS)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->eal.main_lcore = rte_get_main_lcore();
	for (unsigned w = 0; w < n_workers; w++)
		c->eal.workers[w] = lcores ? lcores[w] : rte_get_main_lcore();
	c->eal.n_workers = n_workers;
	c->n_ports = 1;
	snprintf(c->ports[0].name, sizeof(c->ports[0].name), "t0");
	snprintf(c->ports[0].device, sizeof(c->ports[0].device), "%s", device);
	c->ports[0].ipv4 = 0xc6120001; /* 198.18.0.1 */
	c->ports[0].prefix_len = 24;
	c->ports[0].mtu = 1500;
	c->mbufs = mbufs;
	c->mbuf_cache = 64;
	c->burst = 32;
	c->drain_us = 100;
	c->media_ports[0] = 5004;
	c->n_media_ports = 1;
	c->max_viewers = max_viewers;
	c->no_exception_tap = true;
	c->manual_workers = true;
	return 0;
}

struct sg_fp *sg_fp_create(const struct sg_fp_conf *conf, char *err, size_t errlen)
{
	struct sg_fp *fp;
	int rc = -EINVAL;

	if (!conf->n_ports || conf->n_ports > SG_FP_MAX_PORTS || !conf->eal.n_workers ||
	    conf->eal.n_workers > SG_FP_MAX_WORKERS || !conf->burst || conf->burst > SG_FP_MAX_BURST) {
		snprintf(err, errlen, "invalid fast-path configuration (ports %u, workers %u, burst %u)",
			 conf->n_ports, conf->eal.n_workers, conf->burst);
		errno = EINVAL;
		return NULL;
	}
	fp = rte_zmalloc("sg_fp", sizeof(*fp), RTE_CACHE_LINE_SIZE);
	if (!fp) {
		snprintf(err, errlen, "out of memory for the fast path");
		errno = ENOMEM;
		return NULL;
	}
	fp->conf = *conf;
	fp->n_workers = conf->eal.n_workers;
	for (unsigned w = 0; w < fp->n_workers; w++) {
		unsigned lc = conf->eal.workers[w];
		if (!rte_lcore_is_enabled(lc) || (lc == rte_get_main_lcore() && !conf->manual_workers)) {
			snprintf(err, errlen, "worker lcore %u is not available", lc);
			goto err;
		}
		fp->workers[w] = rte_zmalloc_socket("sg_worker", sizeof(struct sg_fp_worker),
						    RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lc));
		if (!fp->workers[w]) {
			rc = -ENOMEM;
			snprintf(err, errlen, "out of memory for worker %u", w);
			goto err;
		}
		fp->workers[w]->lcore_id = lc;
		fp->workers[w]->idx = w;
	}
	/* Per-worker mempools of conf->mbufs each, on the worker's socket (its
	 * per-lcore cache holds a few bursts: conf->mbuf_cache >= burst). */
	static unsigned instances; /* pool names are global: one set per fast path */
	unsigned inst = __atomic_fetch_add(&instances, 1, __ATOMIC_RELAXED);
	for (unsigned w = 0; w < fp->n_workers; w++) {
		char pname[RTE_MEMPOOL_NAMESIZE];
		snprintf(pname, sizeof(pname), "sg_mbufs%u_%u", inst, w);
		fp->workers[w]->pool = rte_pktmbuf_pool_create(
			pname, conf->mbufs, conf->mbuf_cache,
			RTE_ALIGN(sizeof(struct sg_fp_meta), RTE_MBUF_PRIV_ALIGN), RTE_MBUF_DEFAULT_BUF_SIZE,
			(int)rte_lcore_to_socket_id(fp->workers[w]->lcore_id));
		if (!fp->workers[w]->pool) {
			rc = -rte_errno;
			snprintf(err, errlen, "cannot create mempool of %u mbufs for worker %u: %s",
				 conf->mbufs, w, rte_strerror(rte_errno));
			goto err;
		}
	}
	for (unsigned i = 0; i < conf->n_ports; i++) {
		fp->ports[i].conf = conf->ports[i];
		fp->n_ports = i + 1;
		if ((rc = sg_fp_port_setup(fp, i, err, errlen)) < 0)
			goto err;
	}
	if ((rc = sg_fp_media_init(fp, err, errlen)) < 0)
		goto err;
	return fp;
err:
	sg_fp_destroy(fp);
	errno = rc < 0 ? -rc : EINVAL;
	return NULL;
}

static void worker_prepare(struct sg_fp *fp, struct sg_fp_worker *w)
{
	w->burst = fp->conf.burst;
	w->drain_tsc = rte_get_tsc_hz() / 1000000ull * fp->conf.drain_us;
	w->stop = &fp->stop;
	w->idle_sleep_us = fp->conf.idle_sleep_us;
	w->fp = fp;
	w->n_media_ports = fp->conf.n_media_ports;
	for (unsigned i = 0; i < fp->conf.n_media_ports; i++)
		w->media_ports_be[i] = rte_cpu_to_be_16(fp->conf.media_ports[i]);
	w->n_wports = fp->n_ports;
	for (unsigned p = 0; p < fp->n_ports; p++) {
		struct sg_fp_wport *wp = &w->wports[p];
		struct sg_fp_port *port = &fp->ports[p];
		wp->port_id = port->port_id;
		wp->tap_port_id = port->tap_port_id;
		wp->queue = (uint16_t)w->idx;
		wp->idx = (uint8_t)p;
		wp->mac = port->mac;
		wp->ipv4_be = rte_cpu_to_be_32(port->conf.ipv4);
		wp->media_port_be = rte_cpu_to_be_16(fp->conf.n_media_ports ? fp->conf.media_ports[0] : 0);
		sg_fp_hdr_template(wp);
		sg_fp_txbuf_init(&wp->tx_nic, port->port_id, wp->queue, (uint16_t)w->burst);
		sg_fp_txbuf_init(&wp->tx_tap, port->tap_port_id, wp->queue, (uint16_t)w->burst);
	}
}

int sg_fp_start(struct sg_fp *fp)
{
	char err[256];
	int rc;

	for (unsigned i = 0; i < fp->n_ports; i++) {
		if ((rc = sg_fp_port_start(fp, i, err, sizeof(err))) < 0) {
			SG_ERR(TAG, "%s", err);
			return rc;
		}
	}
	fp->stop = false;
	if (fp->conf.manual_workers) {
		/* The caller drives the loops (sg_fp_worker_poll); nothing is launched. */
		for (unsigned w = 0; w < fp->n_workers; w++)
			worker_prepare(fp, fp->workers[w]);
		fp->manual_started = true;
		fp->baseline = sg_fp_mbufs_in_use(fp);
		return 0;
	}
	for (unsigned w = 0; w < fp->n_workers; w++) {
		worker_prepare(fp, fp->workers[w]);
		if ((rc = rte_eal_remote_launch(sg_fp_worker_main, fp->workers[w],
						fp->workers[w]->lcore_id)) < 0) {
			SG_ERR(TAG, "cannot launch worker on lcore %u: %s", fp->workers[w]->lcore_id,
			       strerror(-rc));
			sg_fp_stop(fp);
			return rc;
		}
		fp->running = true;
	}
	/* Let the RX rings fill before the baseline is taken. */
	rte_delay_ms(50);
	fp->baseline = sg_fp_mbufs_in_use(fp);
	SG_NOTICE(TAG, "%u worker(s) polling %u port(s); %u of %u mbufs in use at start",
		  fp->n_workers, fp->n_ports, fp->baseline, sg_fp_mbufs_total(fp));
	return 0;
}

int sg_fp_worker_poll(struct sg_fp *fp, unsigned w)
{
	if (!fp || w >= fp->n_workers)
		return -EINVAL;
	if (!fp->manual_started)
		return -EPERM;
	return (int)sg_fp_worker_iter(fp->workers[w], &fp->workers[w]->manual_last_drain);
}

int sg_fp_worker_flush(struct sg_fp *fp, unsigned w)
{
	if (!fp || w >= fp->n_workers)
		return -EINVAL;
	if (!fp->manual_started)
		return -EPERM;
	sg_fp_worker_drain(fp->workers[w]);
	return 0;
}

void sg_fp_stop(struct sg_fp *fp)
{
	if (fp && fp->manual_started) {
		/* Same as a worker on its way out: rings emptied, TX buffers sent. */
		for (unsigned w = 0; w < fp->n_workers; w++) {
			sg_fp_worker_media_stop(fp->workers[w]);
			sg_fp_worker_drain(fp->workers[w]);
		}
		fp->manual_started = false;
	}
	if (!fp || !fp->running)
		return;
	__atomic_store_n(&fp->stop, true, __ATOMIC_RELEASE);
	rte_eal_mp_wait_lcore();
	fp->running = false;
}

void sg_fp_destroy(struct sg_fp *fp)
{
	if (!fp)
		return;
	sg_fp_stop(fp);
	sg_fp_media_fini(fp);
	for (unsigned i = 0; i < fp->n_ports; i++)
		sg_fp_port_close(fp, i);
	if (fp->n_workers && fp->workers[0] && fp->workers[0]->pool) {
		unsigned left = sg_fp_mbufs_in_use(fp);
		if (left)
			SG_ERR(TAG, "mbufs in use after shutdown: %u (leak)", left);
		else
			SG_NOTICE(TAG, "mbufs in use after shutdown: 0");
	}
	for (unsigned w = 0; w < fp->n_workers; w++)
		if (fp->workers[w])
			rte_mempool_free(fp->workers[w]->pool);
	for (unsigned w = 0; w < fp->n_workers; w++)
		rte_free(fp->workers[w]);
	rte_free(fp);
}

unsigned sg_fp_worker_count(const struct sg_fp *fp)
{
	return fp->n_workers;
}

unsigned sg_fp_worker_lcore(const struct sg_fp *fp, unsigned w)
{
	return w < fp->n_workers ? fp->workers[w]->lcore_id : 0;
}

const struct sg_stats_lcore *sg_fp_worker_stats(const struct sg_fp *fp, unsigned w)
{
	return w < fp->n_workers ? &fp->workers[w]->stats : NULL;
}

unsigned sg_fp_mbufs_in_use(const struct sg_fp *fp)
{
	unsigned n = 0;
	for (unsigned w = 0; w < fp->n_workers; w++)
		if (fp->workers[w] && fp->workers[w]->pool)
			n += rte_mempool_in_use_count(fp->workers[w]->pool);
	return n;
}

unsigned sg_fp_mbufs_baseline(const struct sg_fp *fp)
{
	return fp->baseline;
}

unsigned sg_fp_mbufs_total(const struct sg_fp *fp)
{
	unsigned n = 0;
	for (unsigned w = 0; w < fp->n_workers; w++)
		if (fp->workers[w] && fp->workers[w]->pool)
			n += fp->workers[w]->pool->size;
	return n;
}

unsigned sg_fp_port_count(const struct sg_fp *fp)
{
	return fp->n_ports;
}

int sg_fp_port_info_get(const struct sg_fp *fp, unsigned idx, struct sg_fp_port_info *info)
{
	const struct sg_fp_port *p;
	struct rte_eth_link link;
	struct rte_eth_stats es;

	if (idx >= fp->n_ports)
		return -EINVAL;
	p = &fp->ports[idx];
	memset(info, 0, sizeof(*info));
	sg_strlcpy(info->name, p->conf.name, sizeof(info->name));
	sg_strlcpy(info->device, p->conf.device, sizeof(info->device));
	sg_strlcpy(info->driver, p->driver, sizeof(info->driver));
	sg_strlcpy(info->profile, p->conf.profile, sizeof(info->profile));
	sg_strlcpy(info->tap_name, p->conf.tap_name, sizeof(info->tap_name));
	sg_strlcpy(info->caps_diff, p->caps_diff, sizeof(info->caps_diff));
	info->port_id = p->port_id;
	info->tap_port_id = p->tap_port_id;
	memcpy(info->mac, p->mac.addr_bytes, 6);
	info->ipv4 = p->conf.ipv4;
	info->prefix_len = p->conf.prefix_len;
	info->gateway = p->conf.gateway;
	info->rx_queues = p->nb_rxq;
	info->tx_queues = p->nb_txq;
	info->rx_desc = p->conf.rx_desc;
	info->tx_desc = p->conf.tx_desc;
	info->mtu = p->conf.mtu;
	if (rte_eth_link_get_nowait(p->port_id, &link) == 0) {
		info->link_up = link.link_status == RTE_ETH_LINK_UP;
		info->link_speed_mbps = link.link_speed;
	}
	if (rte_eth_stats_get(p->port_id, &es) == 0) {
		info->hw_ipackets = es.ipackets;
		info->hw_opackets = es.opackets;
		info->hw_imissed = es.imissed;
		info->hw_ierrors = es.ierrors;
		info->hw_oerrors = es.oerrors;
		info->hw_rx_nombuf = es.rx_nombuf;
	}
	return 0;
}
