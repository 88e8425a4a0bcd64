/* SPDX-License-Identifier: BSD-3-Clause
 * The poll-mode worker loop: rx burst -> classify -> (exception | ingest |
 * viewer packets) -> tx burst, the inter-core rings, and a periodic drain of
 * partly filled TX buffers.
 * Hot path: no locks, no allocation, no syscalls, no logging.
 */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "fastpath_priv.h"
#include "sg_common.h"
#include "sg_fastpath_fp.h"

void sg_fp_txbuf_init(struct sg_fp_txbuf *tb, uint16_t port_id, uint16_t queue, uint16_t flush_at)
{
	tb->port_id = port_id;
	tb->queue = queue;
	tb->len = 0;
	tb->flush_at = flush_at > SG_FP_TXBUF_SIZE ? SG_FP_TXBUF_SIZE : flush_at;
}

/* Send what the buffer holds; what the queue does not take is freed and counted. */
void sg_fp_txbuf_flush(struct sg_fp_txbuf *tb, struct sg_stats_port *st, unsigned drop_reason)
{
	uint16_t sent, i;
	uint64_t bytes = 0;

	if (!tb->len)
		return;
	for (i = 0; i < tb->len; i++)
		bytes += rte_pktmbuf_pkt_len(tb->pkts[i]);
	sent = rte_eth_tx_burst(tb->port_id, tb->queue, tb->pkts, tb->len);
	for (i = sent; i < tb->len; i++) {
		bytes -= rte_pktmbuf_pkt_len(tb->pkts[i]);
		rte_pktmbuf_free(tb->pkts[i]);
	}
	st->drop[drop_reason] += (uint64_t)(tb->len - sent);
	tb->len = 0;
	if (drop_reason == SG_STATS_DROP_TX_FULL) {
		st->c[SG_STATS_TX_PKTS] += sent;
		st->c[SG_STATS_TX_BYTES] += bytes;
	}
}

static inline unsigned poll_port(struct sg_fp_worker *w, struct sg_fp_wport *wp)
{
	struct rte_mbuf *pkts[SG_FP_MAX_BURST];
	struct sg_stats_port *st = &w->stats.port[wp->idx];
	const volatile uint16_t *pmap = w->fp->port_map;
	uint16_t n, i;
	unsigned counter = 0, reason = 0;
	uint64_t bytes = 0;
	int sid = -1;

	n = rte_eth_rx_burst(wp->port_id, wp->queue, pkts, (uint16_t)w->burst);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		if (i + 1 < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		bytes += rte_pktmbuf_pkt_len(m);
		switch (sg_fp_classify(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m),
				       &wp->mac, wp->ipv4_be, w->media_ports_be, w->n_media_ports,
				       pmap, &sid, &counter, &reason)) {
		case SG_FP_TO_KERNEL:
			if (SG_UNLIKELY(wp->tap_port_id >= RTE_MAX_ETHPORTS)) {
				st->drop[SG_STATS_DROP_EXC_FULL]++; /* no exception path */
				rte_pktmbuf_free(m);
				break;
			}
			st->c[counter]++;
			st->c[SG_STATS_EXC_TO_KERNEL]++;
			sg_fp_txbuf_add(&wp->tx_tap, m, st, SG_STATS_DROP_EXC_FULL);
			break;
		case SG_FP_MEDIA:
			st->c[counter]++;
			sg_fp_media_rx(w, wp, m);
			break;
		case SG_FP_INGEST:
			sg_fp_ingest_rx(w, wp, m, sid);
			break;
		case SG_FP_DROP:
			st->drop[reason]++;
			rte_pktmbuf_free(m);
			break;
		}
	}
	st->c[SG_STATS_RX_PKTS] += n;
	st->c[SG_STATS_RX_BYTES] += bytes;

	if (wp->tap_port_id >= RTE_MAX_ETHPORTS)
		return n; /* no exception TAP (benchmarks) */
	/* What the kernel sends on the data IP leaves through the NIC. */
	uint16_t k = rte_eth_rx_burst(wp->tap_port_id, wp->queue, pkts, (uint16_t)w->burst);
	for (i = 0; i < k; i++)
		sg_fp_txbuf_add(&wp->tx_nic, pkts[i], st, SG_STATS_DROP_TX_FULL);
	st->c[SG_STATS_EXC_FROM_KERNEL] += k;
	return (unsigned)n + k;
}

void sg_fp_worker_drain(struct sg_fp_worker *w)
{
	for (unsigned p = 0; p < w->n_wports; p++) {
		struct sg_fp_wport *wp = &w->wports[p];
		struct sg_stats_port *st = &w->stats.port[wp->idx];
		if (wp->tap_port_id < RTE_MAX_ETHPORTS)
			sg_fp_txbuf_flush(&wp->tx_tap, st, SG_STATS_DROP_EXC_FULL);
		sg_fp_txbuf_flush(&wp->tx_nic, st, SG_STATS_DROP_TX_FULL);
	}
}

/* One iteration of the poll loop: ports, rings, periodic TX drain. Returns the work done. */
unsigned sg_fp_worker_iter(struct sg_fp_worker *w, uint64_t *last_drain)
{
	unsigned work = 0;
	for (unsigned p = 0; p < w->n_wports; p++)
		work += poll_port(w, &w->wports[p]);
	work += sg_fp_worker_rings(w);
	if (w->fo_qn)
		sg_fp_fanout_run(w); /* before the TX drain and the quiescent state */
	uint64_t now = rte_rdtsc();
	if (now - *last_drain >= w->drain_tsc) {
		sg_fp_worker_drain(w);
		*last_drain = now;
	}
	return work;
}

int sg_fp_worker_main(void *arg)
{
	struct sg_fp_worker *w = arg;
	struct rte_rcu_qsbr *qsbr = w->fp->qsbr;
	uint64_t start = rte_rdtsc(), last_drain = start, prev = start;
	unsigned idle = 0;

	rte_rcu_qsbr_thread_register(qsbr, w->idx);
	rte_rcu_qsbr_thread_online(qsbr, w->idx);
	while (!*w->stop) {
		unsigned work = sg_fp_worker_iter(w, &last_drain);
		uint64_t now = rte_rdtsc();
		/* Quiescent: this worker holds no reference from the shared tables. */
		rte_rcu_qsbr_quiescent(qsbr, w->idx);
		w->stats.loops++;
		if (work) {
			w->stats.busy_loops++;
			w->stats.busy_cycles += now - prev;
		}
		w->stats.total_cycles = now - start;
		prev = now;
		/* Optional adaptive idling for shared CPUs (dev, CI): after 256 empty
		 * loops, flush and sleep; never while packets are flowing. */
		if (SG_UNLIKELY(w->idle_sleep_us) && (work ? (idle = 0) : ++idle >= 256)) {
			idle = 0;
			sg_fp_worker_drain(w);
			rte_delay_us_sleep(w->idle_sleep_us);
			prev = rte_rdtsc();
		}
	}
	/* Stop: free what the rings hold, send what is queued, so nothing is held when the ports close. */
	sg_fp_worker_media_stop(w);
	sg_fp_worker_drain(w);
	rte_rcu_qsbr_thread_offline(qsbr, w->idx);
	rte_rcu_qsbr_thread_unregister(qsbr, w->idx);
	return 0;
}
