/* SPDX-License-Identifier: BSD-3-Clause
 * Output builder / renderer tests, included by test_ctl.c (kept apart to
 * keep files short). Exact-text oracles plus the strict JSON validator.
 */
#ifndef CTL_TEST_OUT_H
#define CTL_TEST_OUT_H

#include <CUnit/Basic.h>
#include <math.h>

#include "ctl_priv.h"
#include "ctl_test_server.h"

/* Render a builder into a NUL-terminated malloc'd string; returns rc. */
static int render(struct sg_ctl_out *o, char **txt)
{
	struct ctl_buf b;
	ctl_buf_init(&b, SG_CTL_REPLY_MAX);
	int rc = ctl_out_render(o, &b);
	*txt = b.p ? b.p : strdup("");
	ctl_out_fini(o);
	return rc;
}

/* ------------------------------------------------ output builder (text) */
static void t_out_text(void)
{
	struct sg_ctl_out o;
	char *t;

	ctl_out_init(&o, false);
	CU_ASSERT_EQUAL(demo_kv(NULL, 0, NULL, &o), 0);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "name: cam-1\npackets: 18446744073709551615\ndelta: -5\n"
				  "ratio: 0.25\nup: yes\n");
	free(t);

	ctl_out_init(&o, false);
	demo_ports(NULL, 0, NULL, &o);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "count: 2\n"
				  "\n"
				  "port  name              rx_pkts    rate\n"
				  "   0  eth0            123456789     1.5\n"
				  "   1  mgmt-long-name          7  -0.125\n");
	free(t);

	/* mixed column is left-aligned; incomplete row padded; control chars
	 * and invalid UTF-8 shown as '?'; UTF-8 counted in code points;
	 * tables separated by blank lines; kv after a table too. */
	static const char *const c2[] = {"a", "b"};
	ctl_out_init(&o, false);
	sg_ctl_out_table_begin(&o, "t1", 2, c2);
	sg_ctl_out_cell_str(&o, "x\ny");
	sg_ctl_out_cell_u64(&o, 5);
	sg_ctl_out_cell_u64(&o, 10);
	sg_ctl_out_cell_str(&o, "n/a");
	sg_ctl_out_cell_str(&o, "\xc3\xa9t\xc3\xa9");
	sg_ctl_out_table_end(&o);
	sg_ctl_out_kv_bool(&o, "ok", false);
	sg_ctl_out_table_begin(&o, "t2", 2, c2);
	sg_ctl_out_cell_str(&o, "\xff");
	sg_ctl_out_cell_double(&o, NAN);
	sg_ctl_out_kv_str(&o, "z", NULL); /* closes t2 implicitly */
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "a    b\n"
				  "x?y  5\n"
				  "10   n/a\n"
				  "\xc3\xa9t\xc3\xa9\n"
				  "\n"
				  "ok: no\n"
				  "\n"
				  "a    b\n"
				  "?  nan\n"
				  "\n"
				  "z: \n");
	free(t);

	/* empty output, empty table */
	ctl_out_init(&o, false);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "");
	free(t);
	ctl_out_init(&o, false);
	sg_ctl_out_table_begin(&o, "e", 2, c2);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "a  b\n");
	free(t);
}

/* ------------------------------------------------ output builder (JSON) */
static void t_out_json(void)
{
	struct sg_ctl_out o;
	char *t;

	ctl_out_init(&o, true);
	CU_ASSERT_TRUE(sg_ctl_out_is_json(&o));
	demo_kv(NULL, 0, NULL, &o);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "{\"name\":\"cam-1\",\"packets\":18446744073709551615,"
				  "\"delta\":-5,\"ratio\":0.25,\"up\":true}\n");
	CU_ASSERT_TRUE(json_valid(t, strlen(t)));
	free(t);

	ctl_out_init(&o, true);
	demo_ports(NULL, 0, NULL, &o);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "{\"count\":2,\"ports\":["
				  "{\"port\":0,\"name\":\"eth0\",\"rx_pkts\":123456789,\"rate\":1.5},"
				  "{\"port\":1,\"name\":\"mgmt-long-name\",\"rx_pkts\":7,\"rate\":-0.125}]}\n");
	CU_ASSERT_TRUE(json_valid(t, strlen(t)));
	free(t);

	/* escaping, invalid UTF-8 (bad lead, overlong, surrogate, truncated),
	 * non-finite doubles, padding, empty table, round-trip doubles */
	static const char *const c2[] = {"k\"", "v"};
	ctl_out_init(&o, true);
	sg_ctl_out_kv_str(&o, "s", "q\"b\\n\n\t\r\b\f\x01\x1f\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	sg_ctl_out_kv_str(&o, "bad", "\xff|\xc0\xaf|\xed\xa0\x80|\xe2\x82");
	sg_ctl_out_kv_double(&o, "nan", NAN);
	sg_ctl_out_kv_double(&o, "inf", -INFINITY);
	sg_ctl_out_kv_double(&o, "tenth", 0.1);
	sg_ctl_out_kv_double(&o, "big", 1e300);
	sg_ctl_out_kv_double(&o, "third", 1.0 / 3.0);
	sg_ctl_out_kv_i64(&o, "min", INT64_MIN);
	sg_ctl_out_kv_str(&o, "null", NULL);
	sg_ctl_out_kv_fmt(&o, "fmt", "%d-%s", 7, "x");
	sg_ctl_out_table_begin(&o, "t", 2, c2);
	sg_ctl_out_cell_bool(&o, false);
	sg_ctl_out_cell_null(&o);
	sg_ctl_out_cell_str(&o, "only");
	sg_ctl_out_table_begin(&o, "empty", 2, c2);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t,
		"{\"s\":\"q\\\"b\\\\n\\n\\t\\r\\b\\f\\u0001\\u001f\\u007f \xc3\xa9 \xe2\x82\xac "
		"\xf0\x9f\x98\x80\","
		"\"bad\":\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\","
		"\"nan\":null,\"inf\":null,\"tenth\":0.1,\"big\":1e+300,"
		"\"third\":0.3333333333333333,\"min\":-9223372036854775808,\"null\":null,"
		"\"fmt\":\"7-x\","
		"\"t\":[{\"k\\\"\":false,\"v\":null},{\"k\\\"\":\"only\",\"v\":null}],"
		"\"empty\":[]}\n");
	CU_ASSERT_TRUE(json_valid(t, strlen(t)));
	CU_ASSERT_EQUAL(strtod(strstr(t, "\"third\":") + 8, NULL), 1.0 / 3.0);
	free(t);

	ctl_out_init(&o, true);
	CU_ASSERT_EQUAL(render(&o, &t), 0);
	CU_ASSERT_STRING_EQUAL(t, "{}\n");
	free(t);
}

/* The oracle itself must reject broken JSON, or the checks above prove
 * nothing. */
static void t_json_validator(void)
{
	static const char *good[] = {"{}", "[]", "{\"a\":[1,-2.5e+3,true,null,\"\\u00e9\"]}",
				     "\"\\ud83d\\ude00\"", " 0 "};
	static const char *bad[] = {"{", "{\"a\"}", "[1,]", "01", "1.", "\"\x01\"", "\"\\x\"",
				    "nul", "{} {}", "\"\xff\"", "\"\\udc00\"", "NaN", "[inf]",
				    "{'a':1}", "\"\xed\xa0\x80\""};
	for (size_t i = 0; i < SG_ARRAY_SIZE(good); i++)
		CU_ASSERT_TRUE(json_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < SG_ARRAY_SIZE(bad); i++)
		CU_ASSERT_FALSE(json_valid(bad[i], strlen(bad[i])));
}

static void t_out_errors(void)
{
	struct sg_ctl_out o;
	char *t;

	/* first error wins; sign ignored; return value is -err */
	ctl_out_init(&o, false);
	sg_ctl_out_kv_u64(&o, "a", 1);
	CU_ASSERT_EQUAL(sg_ctl_out_error(&o, -ENOENT, "first %d", 1), -ENOENT);
	CU_ASSERT_EQUAL(sg_ctl_out_error(&o, EPERM, "second"), -ENOENT);
	CU_ASSERT_EQUAL(o.err, ENOENT);
	CU_ASSERT_STRING_EQUAL(o.errmsg, "first 1");
	sg_ctl_out_kv_u64(&o, "b", 2); /* ignored */
	CU_ASSERT_EQUAL(render(&o, &t), -EINVAL);
	free(t);

	ctl_out_init(&o, false);
	CU_ASSERT_EQUAL(sg_ctl_out_error(&o, 0, "zero"), -EIO);
	ctl_out_fini(&o);

	/* misuse */
	ctl_out_init(&o, false);
	sg_ctl_out_cell_str(&o, "x");
	CU_ASSERT_EQUAL(o.err, EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.errmsg, "misuse"));
	ctl_out_fini(&o);
	static const char *const c1[] = {"a"};
	ctl_out_init(&o, false);
	sg_ctl_out_table_begin(&o, "t", 0, c1);
	CU_ASSERT_EQUAL(o.err, EINVAL);
	ctl_out_fini(&o);
	ctl_out_init(&o, false);
	sg_ctl_out_table_begin(&o, "t", SG_CTL_MAX_COLS + 1, c1);
	CU_ASSERT_EQUAL(o.err, EINVAL);
	ctl_out_fini(&o);
	ctl_out_init(&o, false);
	sg_ctl_out_kv_u64(&o, NULL, 1);
	CU_ASSERT_EQUAL(o.err, EINVAL);
	ctl_out_fini(&o);

	/* overflow in the builder: bounded, reported, no crash */
	ctl_out_init(&o, false);
	char *big = malloc(1024 * 1024 + 1);
	memset(big, 'x', 1024 * 1024);
	big[1024 * 1024] = '\0';
	for (int i = 0; i < 5; i++)
		sg_ctl_out_kv_str(&o, "k", big);
	CU_ASSERT_TRUE(o.overflow);
	CU_ASSERT_EQUAL(render(&o, &t), -EMSGSIZE);
	free(t);
	/* overflow in rendering (JSON escaping expands 6x) */
	memset(big, 1, 1024 * 1024);
	ctl_out_init(&o, true);
	sg_ctl_out_kv_str(&o, "k", big);
	CU_ASSERT_FALSE(o.overflow);
	CU_ASSERT_EQUAL(render(&o, &t), -EMSGSIZE);
	free(t);
	free(big);
}

#endif /* CTL_TEST_OUT_H */
