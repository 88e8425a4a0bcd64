/* SPDX-License-Identifier: BSD-3-Clause
 * `sg-bench fanout`: cost per delivered viewer packet of the real fan-out
 * fast path (lib/fastpath ingest -> distribute -> per-viewer header rewrite +
 * SRTP in ipsec-mb bursts -> TX buffer -> rte_eth_tx_burst on net_null), for
 * N viewers of one stream, per SRTP profile and RTP size, next to the
 * crypto-only bound and libsrtp2 measured in the same run (bench_srtp.c).
 *
 * How: EAL in-process (--no-huge --no-shconf, main lcore only), a net_null
 * data port (no-rx=1) hot-plugged per fast-path instance, sg_fp_create() with
 * manual_workers (the worker loop runs on this thread through
 * sg_fp_worker_poll) and no exception TAP; one H.264 stream; N viewers added
 * with sg_fp_viewer_add + sg_fp_viewer_keys + sg_fp_viewer_set_remote. Source
 * RTP is handed over with sg_fp_ingest_push (untimed); the worker loop that
 * ingests and fans it out is timed (thread CPU time and TSC) until the ring is
 * empty and the TX buffers are flushed.
 * ns/packet = worker CPU time / (source packets x viewers); medians of reps.
 */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <intel-ipsec-mb.h>
#include <openssl/opensslv.h>
#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <srtp2/srtp.h>

#include "bench_srtp.h"
#include "sg_common.h"
#include "sg_fastpath.h"

#define MAX_NV 8
#define MAX_SZ 4
#define NPROF SG_SRTP_PROFILE__MAX
#define CHUNK 2048          /* source packets queued before a timed drain (ring: 8192) */
#define TARGET_PKTS 300000  /* delivered viewer packets per repetition (at least one tile of source packets) */
#define STREAM_BPS 2e6      /* "viewers of a 2 Mbit/s stream" */

static unsigned g_nv[MAX_NV] = {1, 100, 1000, 10000, 100000};
static unsigned g_n_nv = 5;
static unsigned g_sizes[MAX_SZ] = {160, 1200};
static unsigned g_n_sz = 2;
static int g_reps = 7;
static unsigned g_rate;       /* --rate: source packets per second (0 = chunks of CHUNK, unpaced) */
static unsigned g_frame = 1;  /* --frame: packets per tick of the paced source (a video frame) */
static int g_json;
static int g_progress = 1;
static uint8_t g_src[1600];
static uint16_t g_seq = 1;
static uint32_t g_ts = 1000;

struct cell {
	double ns, tsc_ns;        /* CPU-time and TSC ns per delivered packet (median) */
	double ratio;             /* median over reps of bound ns / fan-out ns, each rep's bound
				   * measured right after its fan-out (the host is noisy) */
	double bound_n, ratio_n;  /* the bound with N key sets (one per viewer), and the ratio */
	uint64_t drops;
};
struct memrow {
	size_t slot_ctx;          /* sg_fp_viewer_mem(p, 1) */
	double heap_per_viewer;   /* rte_malloc growth per viewer added (SRTP ctx + allocator header) */
	double table_per_slot;    /* viewer slot + ufrag/flow hash entries per configured slot */
};
struct prow {
	struct cell c[MAX_NV][MAX_SZ];
	double bound[MAX_SZ], lib[MAX_SZ], srtp[MAX_SZ], io[MAX_SZ];
	enum sg_srtp_arch arch;
	struct memrow mem;
	int done;
};
static struct prow g_res[NPROF];
static int g_prof_on[NPROF] = {1, 1, 1, 1};

static double cpu_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void progress(const char *fmt, ...)
{
	va_list ap;
	if (!g_progress)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "\r\033[K[fanout] ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

static size_t heap_used(void)
{
	struct rte_malloc_socket_stats st;
	if (rte_malloc_get_socket_stats((int)rte_socket_id(), &st) != 0)
		return 0;
	return st.heap_allocsz_bytes;
}

/* ---- the fast path under test ---------------------------------------------- */

static struct sg_fp *fp_make(unsigned max_viewers, char *err, size_t errlen)
{
	struct sg_fp_conf c;
	int rc;

	/* A fresh net_null per instance (sg_fp_destroy closes and releases the port). */
	rte_eal_hotplug_remove("vdev", "net_null0");
	if ((rc = rte_dev_probe("net_null0,no-rx=1")) < 0 && rc != -EEXIST) {
		snprintf(err, errlen, "cannot create net_null0: %s", strerror(-rc));
		return NULL;
	}
	sg_fp_conf_inproc(&c, "net_null0", 1, NULL, 16383, max_viewers);
	c.mbuf_cache = 256;
	struct sg_fp *fp = sg_fp_create(&c, err, errlen);
	if (fp && sg_fp_start(fp) != 0) {
		snprintf(err, errlen, "sg_fp_start failed");
		sg_fp_destroy(fp);
		return NULL;
	}
	return fp;
}

/*
 * The packet I/O a fan-out does per delivered packet, without crypto: mbuf
 * bulk alloc (32), lengths, a 42-byte header copy, TX burst into a net_null
 * port (which frees each mbuf). ns per packet, median of 5 reps.
 */
static double io_cost(unsigned payload)
{
	struct rte_eth_conf ec = {0};
	struct rte_mempool *mp;
	struct rte_mbuf *m[32];
	uint16_t pid;
	double v[5];
	static const uint8_t hdr[64];

	if (rte_dev_probe("net_null_io,no-rx=1") < 0 || rte_eth_dev_get_port_by_name("net_null_io", &pid) != 0)
		return 0;
	mp = rte_pktmbuf_pool_create("sg_bench_io", 8191, 256, 16, RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!mp || rte_eth_dev_configure(pid, 1, 1, &ec) < 0 ||
	    rte_eth_rx_queue_setup(pid, 0, 512, (unsigned)rte_socket_id(), NULL, mp) < 0 ||
	    rte_eth_tx_queue_setup(pid, 0, 512, (unsigned)rte_socket_id(), NULL) < 0 || rte_eth_dev_start(pid) < 0) {
		rte_mempool_free(mp);
		rte_eal_hotplug_remove("vdev", "net_null_io");
		return 0;
	}
	for (int r = -1; r < 5; r++) {
		unsigned it = 20000;
		double t0 = cpu_ns();
		for (unsigned n = 0; n < it; n++) {
			if (rte_pktmbuf_alloc_bulk(mp, m, 32) != 0)
				break;
			for (int k = 0; k < 32; k++) {
				m[k]->data_len = m[k]->pkt_len = (uint16_t)(42 + 12 + payload + 10);
				memcpy(rte_pktmbuf_mtod(m[k], uint8_t *), hdr, 42);
			}
			uint16_t s = rte_eth_tx_burst(pid, 0, m, 32);
			if (s < 32)
				rte_pktmbuf_free_bulk(m + s, 32u - s);
		}
		if (r >= 0)
			v[r] = (cpu_ns() - t0) / (it * 32.0);
	}
	rte_eth_dev_stop(pid);
	rte_eth_dev_close(pid);
	rte_eal_hotplug_remove("vdev", "net_null_io");
	rte_mempool_free(mp);
	return median(v, 5);
}

static void poll_until_idle(struct sg_fp *fp)
{
	while (sg_fp_worker_poll(fp, 0) > 0)
		;
	sg_fp_worker_flush(fp, 0);
}

/* One H.264 source packet: 12-byte RTP header + payload (first byte = NAL header). */
static void src_build(unsigned payload, bool key)
{
	g_src[0] = 0x80;
	g_src[1] = 96 | (key ? 0 : 0x80);
	g_src[2] = (uint8_t)(g_seq >> 8);
	g_src[3] = (uint8_t)g_seq;
	g_src[4] = (uint8_t)(g_ts >> 24);
	g_src[5] = (uint8_t)(g_ts >> 16);
	g_src[6] = (uint8_t)(g_ts >> 8);
	g_src[7] = (uint8_t)g_ts;
	g_src[8] = 0x12; g_src[9] = 0x34; g_src[10] = 0x56; g_src[11] = 0x78;
	for (unsigned i = 13; i < 12 + payload; i++)
		g_src[i] = (uint8_t)(i * 31 + 7);
	g_src[12] = key ? 0x65 : 0x41; /* IDR slice : non-IDR slice (single NAL unit packets) */
	g_seq++;
	g_ts += 3000;
}

static int push(struct sg_fp *fp, int sid, unsigned payload, bool key)
{
	src_build(payload, key);
	return sg_fp_ingest_push(fp, sid, g_src, (uint16_t)(12 + payload));
}

static int viewers_add(struct sg_fp *fp, int sid, int profile, unsigned from, unsigned to)
{
	uint8_t lm[48], rm[48], mac[6] = {0x02, 0x00, 0x5e, 0, 0, 1};
	struct sg_fp_viewer_conf vc;
	int h, rc;

	for (unsigned i = from; i < to; i++) {
		memset(&vc, 0, sizeof(vc));
		vc.session_id = i;
		snprintf(vc.local_ufrag, sizeof(vc.local_ufrag), "%08x", i);
		snprintf(vc.local_pwd, sizeof(vc.local_pwd), "benchpassword%011u", i);
		snprintf(vc.remote_ufrag, sizeof(vc.remote_ufrag), "r%u", i);
		vc.sid[0] = sid;
		vc.sid[1] = -1;
		vc.ssrc[0] = 0x10000000u + i;
		vc.pt[0] = 102;
		if ((h = sg_fp_viewer_add(fp, &vc)) < 0)
			return h;
		for (unsigned k = 0; k < sizeof(lm); k++) {
			lm[k] = (uint8_t)(k * 7 + i);
			rm[k] = (uint8_t)(k * 11 + (i >> 8));
		}
		if ((rc = sg_fp_viewer_keys(fp, h, profile, lm, rm)) < 0)
			return rc;
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		if ((rc = sg_fp_viewer_set_remote(fp, h, 0x0a000000u + i + 1, (uint16_t)(40000 + i % 20000),
						  mac)) < 0)
			return rc;
		poll_until_idle(fp);
		if ((i & 255) == 255) {
			sg_fp_tick(fp);
			progress("%s: adding viewers %u/%u", sg_srtp_profile_name((enum sg_srtp_profile)profile),
				 i + 1, to);
		}
	}
	sg_fp_tick(fp);
	return 0;
}

static uint64_t fanout_pkts(struct sg_fp *fp, int sid)
{
	struct sg_fp_stream_stats st;
	return sg_fp_stream_stats_get(fp, sid, &st) == 0 ? st.fanout_pkts : 0;
}

static uint64_t drops_total(struct sg_fp *fp)
{
	const struct sg_stats_lcore *s = sg_fp_worker_stats(fp, 0);
	uint64_t d = 0;
	for (unsigned r = 0; r < SG_STATS__N_DROPS; r++)
		d += s->port[0].drop[r];
	return d;
}

/* Time the fan-out of source packets to nv viewers: median ns per delivered packet. */
static int measure(struct sg_fp *fp, int sid, int p, enum sg_srtp_arch arch, unsigned nv,
		   unsigned payload, struct cell *out)
{
	const char *pname = sg_srtp_profile_name((enum sg_srtp_profile)p);
	double v[64], vt[64], vr[64], vbn[64], vrn[64];
	/* At least one full tile of source packets per rep, so that every N gets
	 * the same fan-out pattern (tiles of SG_FP_FANOUT_TILE; at 100 000
	 * viewers TARGET_PKTS alone would give 3 source packets). */
	unsigned srcs = TARGET_PKTS / nv < SG_FP_FANOUT_TILE ? SG_FP_FANOUT_TILE : TARGET_PKTS / nv;
	if (g_rate && srcs > g_rate)
		srcs = g_rate < 2 ? 2 : g_rate; /* paced: one second of source per rep */
	double tsc_ns = 1e9 / (double)rte_get_tsc_hz();
	uint64_t d0 = drops_total(fp);

	/* New viewers wait for a keyframe (RFC 6184 decoding starts at an IDR). */
	if (push(fp, sid, payload, true) != 0)
		return -ENOBUFS;
	poll_until_idle(fp);
	for (int r = -1; r < g_reps; r++) {
		double cpu = 0, tsc = 0;
		uint64_t f0 = fanout_pkts(fp, sid);
		progress("%s %u B, %u viewers: rep %d/%d", pname, payload, nv, r + 1, g_reps);
		uint64_t gap = g_rate ? rte_get_tsc_hz() * g_frame / g_rate : 0, next = rte_rdtsc();
		for (unsigned done = 0; done < srcs;) {
			unsigned n = srcs - done < CHUNK ? srcs - done : CHUNK;
			if (g_rate) {
				/* A camera-like source: one frame of g_frame packets back to
				 * back every g_frame/rate s; the worker idles in between (not
				 * timed); a late worker gets the next frame at once. */
				n = srcs - done < g_frame ? srcs - done : g_frame;
				while (rte_rdtsc() < next)
					sg_fp_worker_poll(fp, 0);
				next += gap;
			}
			for (unsigned k = 0; k < n; k++)
				if (push(fp, sid, payload, false) != 0)
					return -ENOBUFS;
			double c0 = cpu_ns();
			uint64_t t0 = rte_rdtsc();
			poll_until_idle(fp);
			tsc += (double)(rte_rdtsc() - t0);
			cpu += cpu_ns() - c0;
			done += n;
		}
		uint64_t got = fanout_pkts(fp, sid) - f0;
		if (got != (uint64_t)srcs * nv) {
			fprintf(stderr, "\nsg-bench: %s: %u viewers got %llu packets, expected %llu\n", pname, nv,
				(unsigned long long)got, (unsigned long long)srcs * nv);
			return -EIO;
		}
		if (r >= 0) {
			vt[r] = tsc * tsc_ns / (double)got;
			/* Paced: busy TSC time (one source packet per drain, so two CPU
			 * clock reads per packet would weigh on small N). */
			v[r] = g_rate ? vt[r] : cpu / (double)got;
			vr[r] = bench_srtp_bound(arch, (enum sg_srtp_profile)p, payload, 1) / v[r];
			vbn[r] = bench_srtp_bound_keys(arch, (enum sg_srtp_profile)p, payload, 1, nv);
			vrn[r] = vbn[r] / v[r];
		}
	}
	out->ratio = median(vr, g_reps);
	out->bound_n = median(vbn, g_reps);
	out->ratio_n = median(vrn, g_reps);
	out->ns = median(v, g_reps);
	out->tsc_ns = median(vt, g_reps);
	out->drops = drops_total(fp) - d0;
	return 0;
}

static int run_profile(int p, double table_per_slot)
{
	struct prow *pr = &g_res[p];
	const char *pname = sg_srtp_profile_name((enum sg_srtp_profile)p);
	struct sg_fp_stream_conf sc = {.codec = SG_FP_CODEC_H264, .clock_rate = 90000, .video = true};
	unsigned have = 0, maxv = g_nv[g_n_nv - 1];
	char err[256];
	int rc = 0;

	snprintf(sc.name, sizeof(sc.name), "bench/video");
	struct sg_srtp_engine *e = sg_srtp_engine_create(SG_SRTP_ARCH_AUTO);
	if (!e)
		return -1;
	pr->arch = sg_srtp_engine_arch(e, (enum sg_srtp_profile)p);
	sg_srtp_engine_free(e);
	struct sg_fp *fp = fp_make(maxv < 1024 ? 1024 : maxv, err, sizeof(err));
	if (!fp) {
		fprintf(stderr, "\nsg-bench: %s\n", err);
		return -1;
	}
	int sid = sg_fp_stream_add(fp, &sc);
	pr->mem.slot_ctx = sg_fp_viewer_mem(p, 1);
	pr->mem.table_per_slot = table_per_slot;
	for (unsigned i = 0; i < g_n_nv && rc == 0; i++) {
		size_t h0 = heap_used();
		unsigned from = have;
		if ((rc = viewers_add(fp, sid, p, have, g_nv[i])) < 0) {
			fprintf(stderr, "\nsg-bench: adding viewers: %s\n", strerror(-rc));
			break;
		}
		have = g_nv[i];
		if (have - from >= 100)
			pr->mem.heap_per_viewer = (double)(heap_used() - h0) / (double)(have - from);
		for (unsigned s = 0; s < g_n_sz && rc == 0; s++)
			rc = measure(fp, sid, p, pr->arch, have, g_sizes[s], &pr->c[i][s]);
	}
	sg_fp_stop(fp);
	sg_fp_destroy(fp);
	if (rc)
		return rc;
	for (unsigned s = 0; s < g_n_sz; s++) {
		progress("%s %u B: sg_srtp burst, ipsec-mb bound, libsrtp2", pname, g_sizes[s]);
		enum sg_srtp_arch used;
		pr->srtp[s] = bench_srtp_sg(SG_SRTP_ARCH_AUTO, (enum sg_srtp_profile)p, g_sizes[s], g_reps,
					    &used);
		pr->bound[s] = bench_srtp_bound(pr->arch, (enum sg_srtp_profile)p, g_sizes[s], g_reps);
		pr->io[s] = io_cost(g_sizes[s]);
		pr->lib[s] = bench_srtp_libsrtp((enum sg_srtp_profile)p, g_sizes[s], g_reps);
	}
	pr->done = 1;
	return 0;
}

/* Viewer slot + hash tables per configured slot: heap of a big table minus a small one. */
static double table_cost(unsigned maxv)
{
	char err[256];
	size_t h0 = heap_used();
	struct sg_fp *fp = fp_make(1024, err, sizeof(err));
	if (!fp)
		return -1;
	size_t small = heap_used() - h0;
	sg_fp_stop(fp);
	sg_fp_destroy(fp);
	if (maxv <= 1024)
		maxv = 65536;
	h0 = heap_used();
	fp = fp_make(maxv, err, sizeof(err));
	if (!fp)
		return -1;
	size_t big = heap_used() - h0;
	sg_fp_stop(fp);
	sg_fp_destroy(fp);
	return (double)(big - small) / (double)(maxv - 1024);
}

static int parse_list(const char *s, unsigned *out, unsigned max)
{
	unsigned n = 0;
	char *end;
	while (*s && n < max) {
		unsigned long v = strtoul(s, &end, 10);
		if (end == s || v == 0 || v > 1000000)
			return -1;
		out[n++] = (unsigned)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n ? (int)n : -1;
}

static double vpc(double ns, unsigned payload)
{
	double pps_per_viewer = STREAM_BPS / (8.0 * (12 + payload));
	return 1e9 / ns / pps_per_viewer;
}

/* EAL memory: 2 MB hugepages (the appliance's configuration, deploy/host-setup)
 * when enough are free, else 4 KiB pages (--no-huge). */
static const char *g_mem_mode = "auto";
static char g_mem_desc[96];

static unsigned long hugepages_free_mb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long free_pages = 0, kb = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "HugePages_Free: %lu", &free_pages);
		sscanf(line, "Hugepagesize: %lu kB", &kb);
	}
	fclose(f);
	return free_pages * kb / 1024;
}

/* A video + audio viewer: one SRTP object for two media + two fan-out array
 * entries (their measured share: heap per one-stream viewer minus its
 * context) + the slot and table share per slot (tables/slot). */
static double av_total(int p, const struct prow *pr)
{
	double fo = pr->mem.heap_per_viewer - (double)sg_srtp_ctx_size((enum sg_srtp_profile)p);
	return (double)sg_srtp_ctx_size_n((enum sg_srtp_profile)p, 2) + 2 * fo + pr->mem.table_per_slot;
}

static void print_text(const char *model, const char *flags)
{
	printf("CPU: %s\nflags: %s\nipsec-mb %s, %s (crypto: %s), %s\nmemory: %s\n", model, flags,
	       imb_get_version_str(), srtp_get_version_string(), bench_libsrtp_backend(), OPENSSL_VERSION_TEXT,
	       g_mem_desc);
	if (g_rate)
		printf("source: paced at %u packets/s in frames of %u back-to-back packets (1 s of source per rep,\n"
		       "untimed idle polls in between); ns/pkt = busy TSC time of the drains (as the daemon's busy\n"
		       "cycles) per delivered packet\n", g_rate, g_frame);
	else
		printf("source: pushed in chunks of %d packets, the worker polled until idle after each\n", CHUNK);
	printf("fan-out: the packets of a poll (burst 32) in tiles of up to %d per pass over the viewers\n",
	       SG_FP_FANOUT_TILE);
	printf("1 worker core (this thread), median of %d reps, ns per delivered viewer packet (CPU time);\n"
	       "x bound = median over reps of (bound measured right after the rep) / (fan-out of the rep);\n"
	       "bound N = the same bound with N key sets (one per viewer, used in turn) instead of 32 hot ones;\n"
	       "io = packet I/O alone per packet: mbuf bulk alloc, lengths, 42-byte header, net_null TX (+ free);\n"
	       "bound = ipsec-mb crypto only (burst API / direct GCM call), srtp = sg_srtp_protect_burst alone, libsrtp = libsrtp2 per packet;\n"
	       "viewers/core = of a 2 Mbit/s stream of packets of that size; payload after a 12-byte RTP header\n\n",
	       g_reps);
	printf("%-27s %5s %7s %8s %7s %9s %8s %8s %6s %8s %8s %8s %9s %8s %9s %5s\n", "profile", "bytes",
	       "viewers", "ns/pkt", "Mpps", "viewers/c", "tsc ns", "srtp ns", "io ns", "bound", "libsrtp",
	       "x bound", "x libsrtp", "bound N", "x bound N", "drops");
	for (int p = 0; p < NPROF; p++) {
		struct prow *pr = &g_res[p];
		if (!pr->done)
			continue;
		for (unsigned s = 0; s < g_n_sz; s++)
			for (unsigned i = 0; i < g_n_nv; i++) {
				struct cell *c = &pr->c[i][s];
				printf("%-27s %5u %7u %8.1f %7.3f %9.0f %8.1f %8.1f %6.1f %8.1f %8.1f %8.3f %9.2f %8.1f %9.3f "
				       "%5llu\n",
				       sg_srtp_profile_name((enum sg_srtp_profile)p), g_sizes[s], g_nv[i], c->ns,
				       1e3 / c->ns, vpc(c->ns, g_sizes[s]), c->tsc_ns, pr->srtp[s], pr->io[s], pr->bound[s],
				       pr->lib[s], c->ratio, pr->lib[s] / c->ns, c->bound_n, c->ratio_n,
				       (unsigned long long)c->drops);
			}
	}
	printf("\nflatness (ns/pkt at the largest N / at 1000) and memory per viewer (one stream):\n");
	printf("(flat paired = x bound at 1000 / x bound at the largest N: each ns/pkt divided by the bound\n"
	       " measured right after it, so a change of the host's speed between the two cancels out;\n"
	       " total A/V B: a video + audio viewer - slot, one SRTP object with two contexts sharing the keys,\n"
	       " two fan-out entries and the table share)\n");
	printf("%-27s %5s %9s %11s %11s %13s %13s %11s %11s\n", "profile", "bytes", "flat", "flat paired",
	       "slot+ctx B", "heap/viewer B", "tables/slot B", "total B", "total A/V B");
	for (int p = 0; p < NPROF; p++) {
		struct prow *pr = &g_res[p];
		int i1k = -1;
		if (!pr->done)
			continue;
		for (unsigned i = 0; i < g_n_nv; i++)
			if (g_nv[i] == 1000)
				i1k = (int)i;
		for (unsigned s = 0; s < g_n_sz; s++) {
			double flat = i1k >= 0 ? pr->c[g_n_nv - 1][s].ns / pr->c[i1k][s].ns : 0;
			double flat_p = i1k >= 0 && pr->c[g_n_nv - 1][s].ratio > 0
						? pr->c[i1k][s].ratio / pr->c[g_n_nv - 1][s].ratio : 0;
			printf("%-27s %5u %9.3f %11.3f %11zu %13.0f %13.0f %11.0f %11.0f\n",
			       sg_srtp_profile_name((enum sg_srtp_profile)p), g_sizes[s], flat, flat_p, pr->mem.slot_ctx,
			       pr->mem.heap_per_viewer, pr->mem.table_per_slot,
			       pr->mem.heap_per_viewer + pr->mem.table_per_slot, av_total(p, pr));
		}
	}
}

static void print_json(const char *model, const char *flags)
{
	/* see print_text */
	printf("{\"bench\":\"fanout\",\"cpu\":\"%s\",\"cpu_flags\":\"%s\",\"ipsec_mb\":\"%s\",\"libsrtp2\":\"%s\","
	       "\"libsrtp2_crypto\":\"%s\",\"openssl\":\"%s\",\"memory\":\"%s\",\"source_pps\":%u,\"frame_pkts\":%u,\"workers\":1,\"reps\":%d,"
	       "\"unit\":\"ns_per_delivered_packet\",\"stream_bps\":%.0f,\"results\":[",
	       model, flags, imb_get_version_str(), srtp_get_version_string(), bench_libsrtp_backend(),
	       OPENSSL_VERSION_TEXT, g_mem_desc, g_rate, g_frame, g_reps, STREAM_BPS);
	int first = 1;
	for (int p = 0; p < NPROF; p++) {
		struct prow *pr = &g_res[p];
		if (!pr->done)
			continue;
		printf("%s{\"profile\":\"%s\",\"arch\":\"%s\",\"memory\":{\"slot_plus_ctx\":%zu,"
		       "\"heap_per_viewer\":%.0f,\"tables_per_slot\":%.0f,\"total_per_viewer\":%.0f,"
		       "\"total_per_av_viewer\":%.0f},\"sizes\":[",
		       first ? "" : ",", sg_srtp_profile_name((enum sg_srtp_profile)p), sg_srtp_arch_name(pr->arch),
		       pr->mem.slot_ctx, pr->mem.heap_per_viewer, pr->mem.table_per_slot,
		       pr->mem.heap_per_viewer + pr->mem.table_per_slot, av_total(p, pr));
		first = 0;
		for (unsigned s = 0; s < g_n_sz; s++) {
			printf("%s{\"payload\":%u,\"srtp_burst_ns\":%.1f,\"io_ns\":%.1f,\"bound_ns\":%.1f,"
			       "\"libsrtp2_ns\":%.1f,\"viewers\":[",
			       s ? "," : "", g_sizes[s], pr->srtp[s], pr->io[s], pr->bound[s], pr->lib[s]);
			for (unsigned i = 0; i < g_n_nv; i++) {
				struct cell *c = &pr->c[i][s];
				printf("%s{\"n\":%u,\"ns\":%.1f,\"tsc_ns\":%.1f,\"mpps\":%.3f,\"viewers_per_core\":%.0f,"
				       "\"ratio_vs_bound\":%.3f,\"bound_n_keys_ns\":%.1f,\"ratio_vs_bound_n_keys\":%.3f,"
				       "\"speedup_vs_libsrtp2\":%.2f,\"drops\":%llu}",
				       i ? "," : "", g_nv[i], c->ns, c->tsc_ns, 1e3 / c->ns, vpc(c->ns, g_sizes[s]),
				       c->ratio, c->bound_n, c->ratio_n, pr->lib[s] / c->ns,
				       (unsigned long long)c->drops);
			}
			printf("]}");
		}
		printf("]}");
	}
	printf("]}\n");
}

static int prof_parse(const char *s)
{
	static const char *const short_names[NPROF] = {"cm80", "cm32", "gcm128", "gcm256"};
	char buf[128], *tok, *save = NULL;
	memset(g_prof_on, 0, sizeof(g_prof_on));
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int found = 0;
		for (int p = 0; p < NPROF; p++)
			if (!strcmp(tok, short_names[p]) || !strcmp(tok, "all"))
				g_prof_on[p] = found = 1;
		if (!found)
			return -1;
	}
	return 0;
}

int bench_fanout_main(int argc, char **argv)
{
	char model[256], flags[512];
	char *eal[] = {"sg-bench", "-l", "0", "--no-huge", "-m", "1536", "--no-pci", "--no-shconf",
		       "--log-level", "error", NULL};
	int opt, li = 0;
	static const struct option lo[] = {
		{"json", no_argument, NULL, 'j'},       {"reps", required_argument, NULL, 'r'},
		{"viewers", required_argument, NULL, 'n'}, {"sizes", required_argument, NULL, 's'},
		{"profiles", required_argument, NULL, 'p'}, {"quiet", no_argument, NULL, 'q'},
		{"mem", required_argument, NULL, 'm'},  {"rate", required_argument, NULL, 'R'},
		{"frame", required_argument, NULL, 'F'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};

	optind = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, "", lo, &li)) != -1) {
		int n;
		switch (opt) {
		case 'j': g_json = 1; break;
		case 'q': g_progress = 0; break;
		case 'r':
			g_reps = atoi(optarg);
			if (g_reps < 1 || g_reps > 64)
				goto usage;
			break;
		case 'n':
			if ((n = parse_list(optarg, g_nv, MAX_NV)) < 0)
				goto usage;
			g_n_nv = (unsigned)n;
			break;
		case 's':
			if ((n = parse_list(optarg, g_sizes, MAX_SZ)) < 0)
				goto usage;
			for (int i = 0; i < n; i++)
				if (g_sizes[i] > 1400)
					goto usage;
			g_n_sz = (unsigned)n;
			break;
		case 'p':
			if (prof_parse(optarg) < 0)
				goto usage;
			break;
		case 'R':
			g_rate = (unsigned)atoi(optarg);
			if (g_rate < 1 || g_rate > 10000000)
				goto usage;
			break;
		case 'F':
			g_frame = (unsigned)atoi(optarg);
			if (g_frame < 1 || g_frame > CHUNK)
				goto usage;
			break;
		case 'm':
			if (strcmp(optarg, "auto") && strcmp(optarg, "huge") && strcmp(optarg, "4k"))
				goto usage;
			g_mem_mode = optarg;
			break;
		default:
			goto usage;
		}
	}
	for (unsigned i = 1; i < g_n_nv; i++)
		if (g_nv[i] <= g_nv[i - 1])
			goto usage;
	if (!isatty(2))
		g_progress = 0;
	sg_log_level_set(SG_LOG_WARN);
	unsigned long hp_mb = hugepages_free_mb();
	if (!strcmp(g_mem_mode, "huge") || (!strcmp(g_mem_mode, "auto") && hp_mb >= 1600)) {
		eal[3] = "--in-memory"; /* hugepages, no files: -m 1536 of them */
		snprintf(g_mem_desc, sizeof(g_mem_desc), "2 MB hugepages (%lu MB free)", hp_mb);
	} else {
		snprintf(g_mem_desc, sizeof(g_mem_desc), "4 KiB pages (--no-huge; %lu MB of hugepages free)", hp_mb);
	}
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "sg-bench: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (bench_srtp_setup() != 0)
		return 1;
	bench_cpu_info(model, sizeof(model), flags, sizeof(flags));
	progress("measuring the table cost per viewer slot");
	double tps = table_cost(g_nv[g_n_nv - 1]);
	for (int p = 0; p < NPROF; p++)
		if (g_prof_on[p] && run_profile(p, tps) != 0)
			return 1;
	if (g_progress)
		fprintf(stderr, "\r\033[K");
	if (g_json)
		print_json(model, flags);
	else
		print_text(model, flags);
	rte_eal_cleanup();
	return 0;
usage:
	fprintf(stderr, "usage: sg-bench fanout [--json] [--reps N] [--viewers 1,100,1000,10000,100000]\n"
			"       [--sizes 160,1200] [--profiles all|cm80,cm32,gcm128,gcm256] [--quiet]\n"
			"       [--mem auto|huge|4k]   (auto: 2 MB hugepages when 1600 MB are free)\n"
			"       [--rate PPS]           (source paced at PPS packets/s; default: chunks of 2048)\n"
			"       [--frame N]            (with --rate: N packets back to back per tick, a video frame)\n");
	return 2;
}
