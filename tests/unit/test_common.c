/* SPDX-License-Identifier: BSD-3-Clause */
#include <CUnit/Basic.h>
#include <errno.h>
#include <string.h>

#include "sg_common.h"

static void t_level_parse(void)
{
	CU_ASSERT_EQUAL(sg_log_level_parse("err"), SG_LOG_ERR);
	CU_ASSERT_EQUAL(sg_log_level_parse("WARNING"), SG_LOG_WARN);
	CU_ASSERT_EQUAL(sg_log_level_parse("debug"), SG_LOG_DEBUG);
	CU_ASSERT_EQUAL(sg_log_level_parse("loud"), -EINVAL);
	CU_ASSERT_EQUAL(sg_log_level_parse(NULL), -EINVAL);
	CU_ASSERT_EQUAL(sg_log_level_set(SG_LOG__MAX), -EINVAL);
	CU_ASSERT_EQUAL(sg_log_level_set(SG_LOG_INFO), 0);
	CU_ASSERT_EQUAL(sg_log_level_get(), SG_LOG_INFO);
	CU_ASSERT_STRING_EQUAL(sg_log_level_name(SG_LOG_NOTICE), "notice");
}

static void t_strings(void)
{
	char b[8];
	size_t off = 0;
	CU_ASSERT_EQUAL(sg_strlcpy(b, "abcdefghij", sizeof(b)), 10);
	CU_ASSERT_STRING_EQUAL(b, "abcdefg");
	CU_ASSERT_EQUAL(sg_bprintf(b, sizeof(b), &off, "%s", "abc"), 0);
	CU_ASSERT_EQUAL(off, 3);
	CU_ASSERT_EQUAL(sg_bprintf(b, sizeof(b), &off, "%d", 123456), -ENOSPC);
	CU_ASSERT_STRING_EQUAL(b, "abc1234");
	CU_ASSERT_EQUAL(sg_bprintf(b, sizeof(b), &off, "x"), -ENOSPC);
	unsigned char key[4] = {1, 2, 3, 4};
	sg_secure_zero(key, sizeof(key));
	CU_ASSERT_EQUAL(key[0] | key[1] | key[2] | key[3], 0);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("common", NULL, NULL);
	CU_add_test(s, "log level parse/set", t_level_parse);
	CU_add_test(s, "strlcpy/bprintf/secure_zero", t_strings);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
