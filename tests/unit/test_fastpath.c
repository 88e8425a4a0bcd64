/* SPDX-License-Identifier: BSD-3-Clause
 * lib/fastpath without an EAL: EAL argument building and frame classification.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>

#include "sg_fastpath.h"
#include "sg_fastpath_fp.h"

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

	/* Errors: no workers, argv too small, buffer too small. */
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

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("fastpath", NULL, NULL);
	CU_add_test(s, "EAL arguments from the configuration", t_eal_args);
	CU_add_test(s, "frame classification", t_classify);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
