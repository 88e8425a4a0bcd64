/* SPDX-License-Identifier: BSD-3-Clause
 * Data ports and their exception TAPs: probe, check against the profile,
 * configure, start, close.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>

#include "fastpath_priv.h"
#include "sg_common.h"

#define TAG "port"

/* The port name DPDK registers: the vdev name before its first comma, or the PCI address. */
static void dev_name_of(const char *device, char *out, size_t len)
{
	size_t n = strcspn(device, ",");
	if (n >= len)
		n = len - 1;
	memcpy(out, device, n);
	out[n] = '\0';
}

static const struct {
	uint32_t bit;
	uint64_t rx, tx;
	const char *name;
} offload_map[] = {
	{SG_FP_OFF_IPV4_CKSUM, RTE_ETH_RX_OFFLOAD_IPV4_CKSUM, RTE_ETH_TX_OFFLOAD_IPV4_CKSUM, "ipv4_cksum"},
	{SG_FP_OFF_UDP_CKSUM, RTE_ETH_RX_OFFLOAD_UDP_CKSUM, RTE_ETH_TX_OFFLOAD_UDP_CKSUM, "udp_cksum"},
	{SG_FP_OFF_TCP_CKSUM, RTE_ETH_RX_OFFLOAD_TCP_CKSUM, RTE_ETH_TX_OFFLOAD_TCP_CKSUM, "tcp_cksum"},
	{SG_FP_OFF_RSS_HASH, RTE_ETH_RX_OFFLOAD_RSS_HASH, 0, "rss_hash"},
	{SG_FP_OFF_MULTI_SEGS, 0, RTE_ETH_TX_OFFLOAD_MULTI_SEGS, "multi_segs"},
	{SG_FP_OFF_VLAN, RTE_ETH_RX_OFFLOAD_VLAN_STRIP, RTE_ETH_TX_OFFLOAD_VLAN_INSERT, "vlan"},
};

/*
 * Compare what the profile asks for with what the port can do: the
 * differences are logged and shown by `streamgatectl ports`; offloads the port
 * lacks are simply not enabled (the fast path then does the work in software).
 */
static void caps_check(struct sg_fp_port *p, const struct rte_eth_dev_info *di,
		       uint64_t *rx_off, uint64_t *tx_off)
{
	size_t off = 0;
	char *d = p->caps_diff;

	d[0] = '\0';
	*rx_off = *tx_off = 0;
	if (p->conf.profile_driver[0] && strcmp(p->conf.profile_driver, di->driver_name) != 0)
		sg_bprintf(d, sizeof(p->caps_diff), &off, "driver is %s, profile '%s' expects %s; ",
			   di->driver_name, p->conf.profile, p->conf.profile_driver);
	for (unsigned i = 0; i < SG_ARRAY_SIZE(offload_map); i++) {
		if (offload_map[i].rx && (p->conf.want_rx_offloads & offload_map[i].bit)) {
			if (di->rx_offload_capa & offload_map[i].rx)
				*rx_off |= offload_map[i].rx;
			else
				sg_bprintf(d, sizeof(p->caps_diff), &off, "no rx %s; ", offload_map[i].name);
		}
		if (offload_map[i].tx && (p->conf.want_tx_offloads & offload_map[i].bit)) {
			if (di->tx_offload_capa & offload_map[i].tx)
				*tx_off |= offload_map[i].tx;
			else
				sg_bprintf(d, sizeof(p->caps_diff), &off, "no tx %s; ", offload_map[i].name);
		}
	}
	if (p->conf.rss && p->nb_rxq > 1 && !di->flow_type_rss_offloads)
		sg_bprintf(d, sizeof(p->caps_diff), &off, "no RSS; ");
	if (off >= 2 && d[off - 2] == ';')
		d[off - 2] = '\0';
	if (d[0])
		SG_WARN(TAG, "%s: port differs from profile '%s': %s", p->conf.name, p->conf.profile, d);
	else
		SG_INFO(TAG, "%s: port matches profile '%s'", p->conf.name, p->conf.profile);
}

static int queues_setup(uint16_t port_id, uint16_t nb_rxq, uint16_t nb_txq, uint16_t rx_desc,
			uint16_t tx_desc, const struct rte_eth_dev_info *di, uint64_t rx_off,
			uint64_t tx_off, const struct sg_fp *fp)
{
	int sock = rte_eth_dev_socket_id(port_id);
	struct rte_eth_rxconf rxc = di->default_rxconf;
	struct rte_eth_txconf txc = di->default_txconf;
	int rc;

	if (sock < 0)
		sock = 0;
	rxc.offloads = rx_off;
	txc.offloads = tx_off;
	for (uint16_t q = 0; q < nb_rxq; q++)
		if ((rc = rte_eth_rx_queue_setup(port_id, q, rx_desc, sock, &rxc, sg_fp_pool(fp, q))) < 0)
			return rc;
	for (uint16_t q = 0; q < nb_txq; q++)
		if ((rc = rte_eth_tx_queue_setup(port_id, q, tx_desc, sock, &txc)) < 0)
			return rc;
	return 0;
}

static uint16_t clamp_desc(uint16_t want, const struct rte_eth_desc_lim *lim)
{
	uint16_t d = want;
	if (d < lim->nb_min)
		d = lim->nb_min;
	if (lim->nb_max && d > lim->nb_max)
		d = lim->nb_max;
	if (lim->nb_align > 1)
		d = (uint16_t)RTE_ALIGN_CEIL(d, lim->nb_align);
	return d;
}

int sg_fp_port_setup(struct sg_fp *fp, unsigned idx, char *err, size_t errlen)
{
	struct sg_fp_port *p = &fp->ports[idx];
	struct rte_eth_dev_info di;
	struct rte_eth_conf ec;
	char name[RTE_DEV_NAME_MAX_LEN], tapargs[128];
	uint64_t rx_off, tx_off;
	uint16_t nq = (uint16_t)fp->n_workers;
	int rc;

	dev_name_of(p->conf.device, name, sizeof(name));
	if ((rc = rte_eth_dev_get_port_by_name(name, &p->port_id)) != 0) {
		snprintf(err, errlen, "%s: no DPDK port '%s' (device not found or driver not loaded)",
			 p->conf.name, name);
		return -ENODEV;
	}
	p->have_port = true;
	if ((rc = rte_eth_dev_info_get(p->port_id, &di)) != 0) {
		snprintf(err, errlen, "%s: cannot read device info: %s", p->conf.name, strerror(-rc));
		return rc;
	}
	sg_strlcpy(p->driver, di.driver_name, sizeof(p->driver));
	/* One RX and one TX queue per worker unless configured otherwise. */
	p->nb_rxq = p->conf.rx_queues ? p->conf.rx_queues : nq;
	p->nb_txq = p->conf.tx_queues ? p->conf.tx_queues : nq;
	if (p->nb_rxq < nq || p->nb_txq < nq) {
		snprintf(err, errlen, "%s: %u workers need %u RX and TX queues, configured %u/%u",
			 p->conf.name, nq, nq, p->nb_rxq, p->nb_txq);
		return -EINVAL;
	}
	if (p->nb_rxq > di.max_rx_queues || p->nb_txq > di.max_tx_queues) {
		snprintf(err, errlen, "%s: driver %s supports at most %u RX / %u TX queues, need %u/%u",
			 p->conf.name, di.driver_name, di.max_rx_queues, di.max_tx_queues, p->nb_rxq,
			 p->nb_txq);
		return -EINVAL;
	}
	caps_check(p, &di, &rx_off, &tx_off);
	memset(&ec, 0, sizeof(ec));
	ec.rxmode.offloads = rx_off;
	ec.txmode.offloads = tx_off;
	if (p->nb_rxq > 1 && p->conf.rss && di.flow_type_rss_offloads) {
		ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) & di.flow_type_rss_offloads;
	}
	if ((rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &ec)) < 0) {
		snprintf(err, errlen, "%s: configure failed: %s", p->conf.name, strerror(-rc));
		return rc;
	}
	if (p->conf.mtu && (rc = rte_eth_dev_set_mtu(p->port_id, p->conf.mtu)) < 0 && rc != -ENOTSUP)
		SG_WARN(TAG, "%s: cannot set MTU %u: %s", p->conf.name, p->conf.mtu, strerror(-rc));
	rc = queues_setup(p->port_id, p->nb_rxq, p->nb_txq,
			  clamp_desc(p->conf.rx_desc ? p->conf.rx_desc : 1024, &di.rx_desc_lim),
			  clamp_desc(p->conf.tx_desc ? p->conf.tx_desc : 1024, &di.tx_desc_lim), &di,
			  rx_off, tx_off, fp);
	if (rc < 0) {
		snprintf(err, errlen, "%s: queue setup failed: %s", p->conf.name, strerror(-rc));
		return rc;
	}
	rte_eth_macaddr_get(p->port_id, &p->mac);
	if (fp->conf.no_exception_tap) {
		p->tap_port_id = RTE_MAX_ETHPORTS;
		return 0;
	}

	/*
	 * Exception path: a TAP in the kernel with the port's MAC and IPv4
	 * address. The kernel answers ARP and ICMP and owns TCP on the data IP;
	 * the workers shuttle frames between the port and the TAP.
	 */
	snprintf(tapargs, sizeof(tapargs), "net_tap_sg%u,iface=%s,mac=" RTE_ETHER_ADDR_PRT_FMT, idx,
		 p->conf.tap_name, RTE_ETHER_ADDR_BYTES(&p->mac));
	if ((rc = rte_dev_probe(tapargs)) < 0) {
		snprintf(err, errlen, "%s: cannot create exception TAP %s: %s", p->conf.name,
			 p->conf.tap_name, strerror(-rc));
		return rc;
	}
	snprintf(name, sizeof(name), "net_tap_sg%u", idx);
	if (rte_eth_dev_get_port_by_name(name, &p->tap_port_id) != 0) {
		snprintf(err, errlen, "%s: exception TAP %s vanished", p->conf.name, name);
		return -ENODEV;
	}
	if ((rc = rte_eth_dev_info_get(p->tap_port_id, &di)) != 0 ||
	    (rc = rte_eth_dev_configure(p->tap_port_id, nq, nq, &(struct rte_eth_conf){0})) < 0 ||
	    (rc = queues_setup(p->tap_port_id, nq, nq, 512, 512, &di, 0, 0, fp)) < 0) {
		snprintf(err, errlen, "%s: exception TAP setup failed: %s", p->conf.name, strerror(-rc));
		return rc;
	}
	return 0;
}

int sg_fp_port_start(struct sg_fp *fp, unsigned idx, char *err, size_t errlen)
{
	struct sg_fp_port *p = &fp->ports[idx];
	int rc;

	if ((rc = rte_eth_dev_start(p->port_id)) < 0) {
		snprintf(err, errlen, "%s: start failed: %s", p->conf.name, strerror(-rc));
		return rc;
	}
	p->started = true;
	if (fp->conf.no_exception_tap)
		return 0;
	if ((rc = rte_eth_dev_start(p->tap_port_id)) < 0) {
		snprintf(err, errlen, "%s: TAP start failed: %s", p->conf.name, strerror(-rc));
		return rc;
	}
	p->tap_started = true;
	return sg_fp_tap_configure(p->conf.tap_name, p->conf.ipv4, p->conf.prefix_len,
				   p->conf.gateway, p->conf.mtu, err, errlen);
}

void sg_fp_port_close(struct sg_fp *fp, unsigned idx)
{
	struct sg_fp_port *p = &fp->ports[idx];
	char name[RTE_DEV_NAME_MAX_LEN];

	if (p->tap_started)
		rte_eth_dev_stop(p->tap_port_id);
	if (p->started)
		rte_eth_dev_stop(p->port_id);
	p->tap_started = p->started = false;
	snprintf(name, sizeof(name), "net_tap_sg%u", idx);
	if (rte_eth_dev_get_port_by_name(name, &p->tap_port_id) == 0) {
		rte_eth_dev_close(p->tap_port_id);
		rte_eal_hotplug_remove("vdev", name);
	}
	if (p->have_port)
		rte_eth_dev_close(p->port_id);
	p->have_port = false;
}
