/* SPDX-License-Identifier: BSD-3-Clause */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sg_stats.h"

static void t_names(void)
{
	CU_ASSERT_STRING_EQUAL(sg_stats_counter_name(SG_STATS_RX_PKTS), "rx_pkts");
	CU_ASSERT_STRING_EQUAL(sg_stats_drop_name(SG_STATS_DROP_TX_FULL), "tx_full");
	CU_ASSERT_PTR_NULL(sg_stats_counter_name(SG_STATS__N_COUNTERS));
	CU_ASSERT_PTR_NULL(sg_stats_drop_help(SG_STATS__N_DROPS));
	for (unsigned i = 0; i < SG_STATS__N_COUNTERS; i++)
		CU_ASSERT_PTR_NOT_NULL(sg_stats_counter_help(i));
	CU_ASSERT_EQUAL(sizeof(struct sg_stats_port) % 64, 0);
	CU_ASSERT_EQUAL(sizeof(struct sg_stats_lcore) % 64, 0);
}

static void t_sum(void)
{
	struct sg_stats_lcore *a = aligned_alloc(64, sizeof(*a)), *b = aligned_alloc(64, sizeof(*b));
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->port[0].c[SG_STATS_RX_PKTS] = 3;
	b->port[0].c[SG_STATS_RX_PKTS] = 4;
	b->port[1].c[SG_STATS_RX_PKTS] = 10;
	a->port[1].drop[SG_STATS_DROP_RUNT] = 2;
	b->port[0].drop[SG_STATS_DROP_TX_FULL] = 5;
	const struct sg_stats_lcore *lc[] = {a, b};
	struct sg_stats_port s;
	CU_ASSERT_EQUAL(sg_stats_sum(lc, 2, 0, &s), 0);
	CU_ASSERT_EQUAL(s.c[SG_STATS_RX_PKTS], 7);
	CU_ASSERT_EQUAL(sg_stats_drops_total(&s), 5);
	CU_ASSERT_EQUAL(sg_stats_sum(lc, 2, -1, &s), 0);
	CU_ASSERT_EQUAL(s.c[SG_STATS_RX_PKTS], 17);
	CU_ASSERT_EQUAL(sg_stats_drops_total(&s), 7);
	CU_ASSERT_EQUAL(sg_stats_sum(lc, 2, SG_STATS_MAX_PORTS, &s), -EINVAL);
	free(a);
	free(b);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("stats", NULL, NULL);
	CU_add_test(s, "names", t_names);
	CU_add_test(s, "sum across lcores and ports", t_sum);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
