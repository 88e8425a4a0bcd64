/* SPDX-License-Identifier: BSD-3-Clause
 * lib/fastpath: EAL argument building and frame classification (no EAL), then
 * the fan-out in-process (EAL --no-huge, net_null port, manual workers):
 * viewers joining and leaving, their per-stream arrays growing.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "sg_fastpath.h"
#include "sg_srtp.h"
#include "sg_fastpath_fp.h"
#include "fastpath_priv.h"

static struct sg_fp_conf base_conf(void)
{
	struct sg_fp_conf c;
	memset(&c, 0, sizeof(c));
	c.eal.main_lcore = 0;
	c.eal.workers[0] = 1;
	c.eal.n_workers = 1;
	c.eal.mem_mb = 512;
	strcpy(c.eal.file_prefix, "sgt");
	c.eal.log_level = 2;
	c.n_ports = 1;
	strcpy(c.ports[0].device, "net_af_packet0,iface=sg-nic");
	strcpy(c.ports[0].devargs, "qpairs=1,framecnt=512");
	return c;
}

static const char *joined(char **argv, int argc)
{
	static char s[2048];
	size_t off = 0;
	s[0] = '\0';
	for (int i = 0; i < argc; i++)
		off += (size_t)snprintf(s + off, sizeof(s) - off, "%s%s", i ? " " : "", argv[i]);
	return s;
}

static void t_eal_args(void)
{
	struct sg_fp_conf c = base_conf();
	char *argv[64], buf[4096];
	int n = sg_fp_eal_args_build(&c, "sg", argv, 64, buf, sizeof(buf));
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_STRING_EQUAL(joined(argv, n),
		"sg -l 0,1 --main-lcore=0 --no-huge -m 512 --no-shconf --file-prefix=sgt --no-telemetry "
		"--log-level=6 --vdev=net_af_packet0,iface=sg-nic,qpairs=1,framecnt=512 --no-pci");
	CU_ASSERT_PTR_NULL(argv[n]);

	c.eal.hugepages = true;
	c.eal.workers[1] = 3;
	c.eal.n_workers = 2;
	c.n_ports = 2;
	strcpy(c.ports[1].device, "0000:03:00.1");
	c.ports[1].is_pci = true;
	n = sg_fp_eal_args_build(&c, "sg", argv, 64, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(joined(argv, n),
		"sg -l 0,1,3 --main-lcore=0 -m 512 --file-prefix=sgt --no-telemetry --log-level=6 "
		"--vdev=net_af_packet0,iface=sg-nic,qpairs=1,framecnt=512 -a 0000:03:00.1");

	/* Two workers sharing CPU 1 (lcores.worker_cpus): --lcores instead of -l. */
	c = base_conf();
	c.eal.workers[1] = 2;
	c.eal.n_workers = 2;
	c.eal.worker_cpus[0] = 1;
	c.eal.worker_cpus[1] = 1;
	c.eal.n_worker_cpus = 2;
	n = sg_fp_eal_args_build(&c, "sg", argv, 64, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(joined(argv, n),
		"sg --lcores=0@0,1@1,2@1 --main-lcore=0 --no-huge -m 512 --no-shconf --file-prefix=sgt "
		"--no-telemetry --log-level=6 --vdev=net_af_packet0,iface=sg-nic,qpairs=1,framecnt=512 --no-pci");
	c.eal.n_worker_cpus = 1;   /* one CPU per worker or none */
	CU_ASSERT_EQUAL(sg_fp_eal_args_build(&c, "sg", argv, 64, buf, sizeof(buf)), -EINVAL);
	/* 64 workers on CPUs 64..127 still fit. */
	c.eal.main_lcore = 127;
	c.eal.n_workers = c.eal.n_worker_cpus = 64;
	for (unsigned i = 0; i < 64; i++)
		c.eal.workers[i] = 63 - i, c.eal.worker_cpus[i] = 64 + i;
	n = sg_fp_eal_args_build(&c, "sg", argv, 64, buf, sizeof(buf));
	CU_ASSERT_TRUE(n > 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(joined(argv, n), "--lcores=127@127,63@64,62@65,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(joined(argv, n), ",0@127 --main-lcore=127 "));

	/* Errors: no workers, argv too small, buffer too small. */
	c = base_conf();
	c.eal.n_workers = 0;
	CU_ASSERT_EQUAL(sg_fp_eal_args_build(&c, "sg", argv, 64, buf, sizeof(buf)), -EINVAL);
	c = base_conf();
	CU_ASSERT_EQUAL(sg_fp_eal_args_build(&c, "sg", argv, 4, buf, sizeof(buf)), -ENOSPC);
	CU_ASSERT_EQUAL(sg_fp_eal_args_build(&c, "sg", argv, 64, buf, 40), -ENOSPC);
}

/* Frame builder: Ethernet + IPv4 + L4 header. */
static const struct rte_ether_addr our_mac = {{0x02, 0, 0, 0, 0, 1}};
#define OUR_IP RTE_BE32(0xc6120001) /* 198.18.0.1 */

static uint32_t mk(uint8_t *f, uint16_t et, uint8_t proto, uint16_t dport, uint32_t dst_be)
{
	struct rte_ether_hdr *e = (struct rte_ether_hdr *)f;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(e + 1);
	struct rte_udp_hdr *u = (struct rte_udp_hdr *)(ip + 1);
	memset(f, 0, 128);
	e->dst_addr = our_mac;
	e->ether_type = rte_cpu_to_be_16(et);
	if (et != RTE_ETHER_TYPE_IPV4)
		return 60;
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(20 + 8 + 12);
	ip->next_proto_id = proto;
	ip->dst_addr = dst_be;
	u->dst_port = rte_cpu_to_be_16(dport);
	return 14 + 20 + 8 + 12;
}

static void t_classify(void)
{
	uint8_t f[128];
	uint16_t media[2] = {RTE_BE16(8189), RTE_BE16(5004)};
	unsigned c = 99, r = 99;
	uint32_t len;
	static uint16_t pmap[65536];
	int sid = -1;

	pmap[20000] = 5 + 1; /* port 20000 -> stream 5 */

	len = mk(f, RTE_ETHER_TYPE_ARP, 0, 0, 0);
	memset(f, 0xff, 6); /* broadcast */
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_TO_KERNEL);
	CU_ASSERT_EQUAL(c, SG_STATS_EXC_ARP);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_ICMP, 0, OUR_IP);
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_TO_KERNEL);
	CU_ASSERT_EQUAL(c, SG_STATS_EXC_ICMP);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_TCP, 554, OUR_IP);
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_TO_KERNEL);
	CU_ASSERT_EQUAL(c, SG_STATS_EXC_TCP);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 5004, OUR_IP);
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_MEDIA);
	CU_ASSERT_EQUAL(c, SG_STATS_MEDIA_RX);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 53, OUR_IP);
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_TO_KERNEL);
	CU_ASSERT_EQUAL(c, SG_STATS_EXC_UDP);
	/* Media port but another destination address: the kernel's business. */
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 8189, RTE_BE32(0xc6120063));
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_TO_KERNEL);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 20000, OUR_IP);
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_INGEST);
	CU_ASSERT_EQUAL(sid, 5);
	CU_ASSERT_EQUAL(c, SG_STATS_INGEST_PKTS);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 20002, OUR_IP);
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_TO_KERNEL);
	len = mk(f, RTE_ETHER_TYPE_IPV6, 0, 0, 0);
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_TO_KERNEL);
	CU_ASSERT_EQUAL(c, SG_STATS_EXC_OTHER);

	/* Drops. */
	CU_ASSERT_EQUAL(sg_fp_classify(f, 10, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_DROP);
	CU_ASSERT_EQUAL(r, SG_STATS_DROP_RUNT);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 8189, OUR_IP);
	f[0] = 0x02; f[5] = 0x99; /* unicast, other MAC */
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_DROP);
	CU_ASSERT_EQUAL(r, SG_STATS_DROP_NOT_OURS);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 8189, OUR_IP);
	f[14] = 0x44; /* IHL 16 bytes */
	CU_ASSERT_EQUAL(sg_fp_classify(f, len, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_DROP);
	CU_ASSERT_EQUAL(r, SG_STATS_DROP_BAD_IP);
	len = mk(f, RTE_ETHER_TYPE_IPV4, IPPROTO_UDP, 8189, OUR_IP);
	CU_ASSERT_EQUAL(sg_fp_classify(f, 30, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_DROP);
	CU_ASSERT_EQUAL(r, SG_STATS_DROP_RUNT);
	/* total_length beyond the frame */
	CU_ASSERT_EQUAL(sg_fp_classify(f, len - 1, &our_mac, OUR_IP, media, 2, pmap, &sid, &c, &r), SG_FP_DROP);
	CU_ASSERT_EQUAL(r, SG_STATS_DROP_BAD_IP);
}

/* ---- fan-out (EAL) ---------------------------------------------------------- */

#define FO_MAXV 400
static uint16_t g_seq;
static uint32_t g_ts;

static struct sg_fp *fo_fp(void)
{
	struct sg_fp_conf c;
	char err[256];

	if (rte_dev_probe("net_null0,no-rx=1") < 0 || sg_fp_conf_inproc(&c, "net_null0", 1, NULL, 4095, FO_MAXV))
		return NULL;
	struct sg_fp *fp = sg_fp_create(&c, err, sizeof(err));
	if (!fp) {
		fprintf(stderr, "sg_fp_create: %s\n", err);
		return NULL;
	}
	if (sg_fp_start(fp) != 0) {
		sg_fp_destroy(fp);
		return NULL;
	}
	return fp;
}

static void fo_idle(struct sg_fp *fp)
{
	while (sg_fp_worker_poll(fp, 0) > 0)
		;
	sg_fp_worker_flush(fp, 0);
	sg_fp_tick(fp);
}

/* One RTP packet: video = H.264 IDR or non-IDR slice, else an audio frame.
 * Queued to the stream's ingest worker; nothing is polled. */
static void fo_pkt(struct sg_fp *fp, int sid, bool video, bool key)
{
	uint8_t p[112];
	memset(p, 0x5a, sizeof(p));
	p[0] = 0x80;
	p[1] = video ? 96 : 111;
	p[2] = (uint8_t)(g_seq >> 8);
	p[3] = (uint8_t)g_seq++;
	p[4] = (uint8_t)(g_ts >> 24);
	p[5] = (uint8_t)(g_ts >> 16);
	p[6] = (uint8_t)(g_ts >> 8);
	p[7] = (uint8_t)g_ts;
	g_ts += 3000;
	p[8] = video ? 0x11 : 0x22;
	p[12] = key ? 0x65 : 0x41;
	CU_ASSERT_EQUAL(sg_fp_ingest_push(fp, sid, p, sizeof(p)), 0);
}

/* One packet, then worker 0 runs until idle (one-worker tests). */
static void fo_push(struct sg_fp *fp, int sid, bool video, bool key)
{
	fo_pkt(fp, sid, video, key);
	fo_idle(fp);
}

static int fo_add(struct sg_fp *fp, unsigned i, int vsid, int asid)
{
	struct sg_fp_viewer_conf vc;
	uint8_t lm[48], rm[48];
	int h;

	memset(&vc, 0, sizeof(vc));
	vc.session_id = i;
	snprintf(vc.local_ufrag, sizeof(vc.local_ufrag), "%08x", i);
	snprintf(vc.local_pwd, sizeof(vc.local_pwd), "testpassword%012u", i);
	snprintf(vc.remote_ufrag, sizeof(vc.remote_ufrag), "r%u", i);
	vc.sid[0] = vsid;
	vc.sid[1] = asid;
	vc.ssrc[0] = 0x1000 + i;
	vc.ssrc[1] = 0x2000 + i;
	vc.pt[0] = 102;
	vc.pt[1] = 111;
	if ((h = sg_fp_viewer_add(fp, &vc)) < 0)
		return h;
	for (unsigned k = 0; k < sizeof(lm); k++)
		lm[k] = (uint8_t)(k + i), rm[k] = (uint8_t)(k * 3 + i);
	if (sg_fp_viewer_keys(fp, h, SG_SRTP_AES128_CM_SHA1_80, lm, rm) != 0)
		return -1;
	return h;
}

static uint64_t fo_vpkts(struct sg_fp *fp, int h)
{
	struct sg_fp_viewer_info vi;
	return sg_fp_viewer_info_get(fp, h, &vi) == 0 ? vi.pkts : UINT64_MAX;
}

static uint64_t fo_spkts(struct sg_fp *fp, int sid, uint32_t *viewers)
{
	struct sg_fp_stream_stats st;
	if (sg_fp_stream_stats_get(fp, sid, &st) != 0)
		return UINT64_MAX;
	*viewers = st.viewers;
	return st.fanout_pkts;
}

/* Joins and leaves in any order: every viewer still keyed gets every packet of
 * its streams exactly once (the arrays are swap-removed and grow 64 -> 128 -> 256). */
static void t_fanout(void)
{
	struct sg_fp_stream_conf vsc = {.codec = SG_FP_CODEC_H264, .clock_rate = 90000, .video = true};
	struct sg_fp_stream_conf asc = {.codec = SG_FP_CODEC_OPUS, .clock_rate = 48000, .video = false};
	static int h[FO_MAXV];
	static uint64_t want[FO_MAXV];
	static bool live[FO_MAXV];
	uint32_t nv;
	unsigned n = 0;

	strcpy(vsc.name, "t/video");
	strcpy(asc.name, "t/audio");
	struct sg_fp *fp = fo_fp();
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	int vsid = sg_fp_stream_add(fp, &vsc), asid = sg_fp_stream_add(fp, &asc);
	CU_ASSERT_TRUE_FATAL(vsid >= 0 && asid >= 0);

	/* 200 viewers of video + audio, 20 of audio only. */
	for (; n < 220; n++) {
		h[n] = fo_add(fp, n, n < 200 ? vsid : -1, asid);
		CU_ASSERT_TRUE_FATAL(h[n] >= 0);
		live[n] = true;
		if (n % 50 == 0)
			fo_idle(fp);
	}
	fo_idle(fp);
	fo_push(fp, vsid, true, false);   /* not a keyframe: nobody starts on it */
	fo_push(fp, asid, false, false);  /* audio needs no keyframe */
	for (unsigned i = 0; i < n; i++)
		want[i] = 1;
	fo_push(fp, vsid, true, true);
	fo_push(fp, vsid, true, false);
	for (unsigned i = 0; i < 200; i++)
		want[i] += 2;
	uint64_t f0v = fo_spkts(fp, vsid, &nv), f0a;
	CU_ASSERT_EQUAL(nv, 200);
	f0a = fo_spkts(fp, asid, &nv);
	CU_ASSERT_EQUAL(nv, 220);
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_EQUAL(fo_vpkts(fp, h[i]), want[i]);
	/* Video + audio viewers hold one SRTP object with two contexts sharing the keys. */
	struct sg_fp_viewer_info vi0;
	CU_ASSERT_EQUAL(sg_fp_viewer_info_get(fp, h[0], &vi0), 0);
	CU_ASSERT_EQUAL(vi0.mem_bytes, sg_fp_viewer_mem(SG_SRTP_AES128_CM_SHA1_80, 2));
	CU_ASSERT_EQUAL(sg_fp_viewer_mem(SG_SRTP_AES128_CM_SHA1_80, 2), 256 + 512);
	CU_ASSERT_EQUAL(sg_fp_viewer_info_get(fp, h[210], &vi0), 0);
	CU_ASSERT_EQUAL(vi0.mem_bytes, sg_fp_viewer_mem(SG_SRTP_AES128_CM_SHA1_80, 1));

	/* Leave: the first, the last, every third (swap-remove from anywhere). */
	for (unsigned i = 0; i < n; i++) {
		if (i == 0 || i == n - 1 || i % 3 == 1) {
			CU_ASSERT_EQUAL(sg_fp_viewer_del(fp, h[i]), 0);
			live[i] = false;
		}
	}
	fo_idle(fp);
	fo_push(fp, vsid, true, false);
	fo_push(fp, asid, false, false);
	unsigned lv = 0, la = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!live[i]) {
			CU_ASSERT_EQUAL(fo_vpkts(fp, h[i]), UINT64_MAX);
			continue;
		}
		want[i] += 1 + (i < 200);
		lv += i < 200;
		la++;
		CU_ASSERT_EQUAL(fo_vpkts(fp, h[i]), want[i]);
	}
	CU_ASSERT_EQUAL(fo_spkts(fp, vsid, &nv) - f0v, lv);
	CU_ASSERT_EQUAL(nv, lv);
	CU_ASSERT_EQUAL(fo_spkts(fp, asid, &nv) - f0a, la);
	CU_ASSERT_EQUAL(nv, la);

	/* Join again into the freed slots (past the first array's capacity too). */
	fo_idle(fp);
	unsigned first_new = n;
	for (; n < FO_MAXV - 20; n++) {
		h[n] = fo_add(fp, n, vsid, asid);
		CU_ASSERT_TRUE_FATAL(h[n] >= 0);
		live[n] = true;
		want[n] = 0;
		if (n % 64 == 0)
			fo_idle(fp);
	}
	fo_idle(fp);
	fo_push(fp, vsid, true, false);   /* the joiners wait for a keyframe */
	fo_push(fp, vsid, true, true);
	for (unsigned i = 0; i < n; i++) {
		if (!live[i])
			continue;
		if (i < 200 || i >= first_new)
			want[i] += 1 + (i < first_new);
		CU_ASSERT_EQUAL(fo_vpkts(fp, h[i]), want[i]);
	}
	fo_spkts(fp, vsid, &nv);
	CU_ASSERT_EQUAL(nv, lv + (n - first_new));

	/* Everyone leaves; the stream can go. */
	for (unsigned i = 0; i < n; i++)
		if (live[i])
			CU_ASSERT_EQUAL(sg_fp_viewer_del(fp, h[i]), 0);
	fo_idle(fp);
	fo_push(fp, vsid, true, true);
	fo_spkts(fp, vsid, &nv);
	CU_ASSERT_EQUAL(nv, 0);
	CU_ASSERT_EQUAL(sg_fp_stream_del(fp, vsid), 0);
	CU_ASSERT_EQUAL(sg_fp_stream_del(fp, asid), 0);
	sg_fp_destroy(fp);
}

/* The SRTP context slab: 64-byte aligned, zeroed, distinct objects carved from
 * chunks of SG_FP_SLAB_CHUNK; freed objects are reused before a chunk is added. */
static void t_slab(void)
{
	enum { N = 3 * SG_FP_SLAB_CHUNK + 5 };
	static void *o[N];
	struct sg_fp_slab s;

	CU_ASSERT_EQUAL(sg_fp_slab_init(&s, 100, 0), -EINVAL); /* not a multiple of 64 */
	CU_ASSERT_EQUAL_FATAL(sg_fp_slab_init(&s, 704, SOCKET_ID_ANY), 0);
	for (unsigned i = 0; i < N; i++) {
		o[i] = sg_fp_slab_get(&s);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o[i]);
		CU_ASSERT_EQUAL((uintptr_t)o[i] % 64, 0);
		const uint8_t *b = o[i];
		bool zero = true;
		for (unsigned k = 0; k < 704; k++)
			zero &= b[k] == 0;
		CU_ASSERT_TRUE(zero);
		memset(o[i], 0xa5, 704); /* overlaps nothing else (ASan would see it) */
	}
	CU_ASSERT_EQUAL(s.n_chunks, 4);
	CU_ASSERT_EQUAL(s.in_use, N);
	for (unsigned i = 0; i < N; i++)
		for (unsigned j = i + 1; j < N; j++)
			CU_ASSERT_TRUE((uint8_t *)o[j] >= (uint8_t *)o[i] + 704 ||
				       (uint8_t *)o[i] >= (uint8_t *)o[j] + 704);
	CU_ASSERT_EQUAL(sg_fp_slab_bytes(&s), 4 * (64 + SG_FP_SLAB_CHUNK * 704));
	for (unsigned i = 0; i < N; i += 2)
		sg_fp_slab_put(&s, o[i]);
	for (unsigned i = 0; i < N; i += 2) {
		o[i] = sg_fp_slab_get(&s);
		CU_ASSERT_PTR_NOT_NULL(o[i]);
	}
	CU_ASSERT_EQUAL(s.n_chunks, 4); /* reused, no new chunk */
	CU_ASSERT_EQUAL(s.in_use, N);
	for (unsigned i = 0; i < N; i++)
		sg_fp_slab_put(&s, o[i]);
	CU_ASSERT_EQUAL(s.in_use, 0);
	sg_fp_slab_fini(&s);
	CU_ASSERT_EQUAL(s.n_chunks, 0);
}

#include "test_fastpath_mw.inc"
#include "test_fastpath_wire.inc"

/* --lcores: lcores 0 (main) to 3 (workers) all float over the first two CPUs
 * this process may use, so the multi-worker tests run on any machine. */
static void lcores_arg(char *buf, size_t len)
{
	cpu_set_t set;
	int cpus[2], n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
			if (CPU_ISSET(c, &set))
				cpus[n++] = c;
	if (n == 0)
		snprintf(buf, len, "--lcores=(0-3)@0");
	else if (n == 1)
		snprintf(buf, len, "--lcores=(0-3)@%d", cpus[0]);
	else
		snprintf(buf, len, "--lcores=(0-3)@(%d,%d)", cpus[0], cpus[1]);
}

int main(void)
{
	char lcores[64];
	lcores_arg(lcores, sizeof(lcores));
	char *eal[] = {"test_fastpath", lcores, "--main-lcore=0", "--no-huge", "-m", "256", "--no-pci",
		       "--no-shconf", "--log-level", "error", NULL};
	bool have_eal = rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) >= 0;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("fastpath", NULL, NULL);
	CU_add_test(s, "EAL arguments from the configuration", t_eal_args);
	CU_add_test(s, "frame classification", t_classify);
	if (have_eal) {
		CU_add_test(s, "SRTP context slab", t_slab);
		CU_add_test(s, "fan-out: joins, leaves, array growth", t_fanout);
		CU_add_test(s, "fan-out frames on the wire: headers, checksum, SRTP, address change", t_fanout_wire);
		CU_add_test(s, "viewers of every SRTP profile, one and two media, on one worker", t_profiles_mix);
		CU_add_test(s, "fan-out tiles: order per viewer, joiners mid-tile, more packets than the queue", t_fanout_tile);
		CU_add_test(s, "2 workers: fan-out across workers, leave, remote-only stream", t_mw_fanout2);
		CU_add_test(s, "3 workers: fan-out across workers, leave, remote-only stream", t_mw_fanout3);
		CU_add_test(s, "2 workers: ring_full while a worker is not polled", t_mw_ring_full);
		CU_add_test(s, "2 workers: STUN/SRTCP on the other worker's queue go to the owner", t_mw_viewer_fwd);
		CU_add_test(s, "2 workers: a record queued for a removed viewer never reaches its slot's next viewer", t_mw_send_after_del);
		CU_add_test(s, "2 workers: a stream removed and its id reused while its packets are queued", t_mw_stream_reuse);
		CU_add_test(s, "2 workers: viewer churn and slot reuse (manual)", t_mw_churn_manual);
		CU_add_test(s, "2 worker lcores: viewer churn and slot reuse under RCU", t_mw_churn_threads);
		CU_add_test(s, "2 workers: commands posted after stop are released once", t_mw_cmds_after_stop);
	} else
		fprintf(stderr, "EAL init failed (%s): fan-out test not run\n", rte_strerror(rte_errno));
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	if (have_eal)
		rte_eal_cleanup();
	return fails || !have_eal ? 1 : 0;
}
