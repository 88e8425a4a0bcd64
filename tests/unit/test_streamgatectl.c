/* SPDX-License-Identifier: BSD-3-Clause
 * End-to-end test of the streamgatectl binary (path in argv[1]) against an
 * in-process sg_ctl server: output, exit codes, error messages, options.
 */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl_test_server.h"

extern char **environ;

static const char *g_exe;
static struct ts S;

struct run {
	int code;
	char out[8192];
	char err[2048];
};

static void slurp(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	while (n < cap - 1 && (r = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

/* Run streamgatectl with args (NULL-terminated) and optional extra env. */
static void run(struct run *res, const char *envvar, const char *const args[])
{
	char *argv[32];
	char *envp[64];
	int ne = 0, na = 0, po[2], pe[2];
	posix_spawn_file_actions_t fa;
	pid_t pid;

	argv[na++] = (char *)g_exe;
	for (; args[na - 1] && na < 31; na++)
		argv[na] = (char *)args[na - 1];
	argv[na] = NULL;
	for (char **e = environ; *e && ne < 60; e++)
		if (strncmp(*e, "STREAMGATE_CTL=", 15) != 0)
			envp[ne++] = *e;
	if (envvar)
		envp[ne++] = (char *)envvar;
	envp[ne] = NULL;

	memset(res, 0, sizeof(*res));
	res->code = -1;
	if (pipe(po) || pipe(pe))
		return;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	posix_spawn_file_actions_addclose(&fa, po[0]);
	posix_spawn_file_actions_addclose(&fa, pe[0]);
	if (posix_spawn(&pid, g_exe, &fa, NULL, argv, envp) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	slurp(pe[0], res->err, sizeof(res->err)); /* stderr is small */
	slurp(po[0], res->out, sizeof(res->out));
	close(po[0]);
	close(pe[0]);
	int wst;
	if (waitpid(pid, &wst, 0) == pid && WIFEXITED(wst))
		res->code = WEXITSTATUS(wst);
}

static void t_ok(void)
{
	struct run r;

	run(&r, NULL, (const char *const[]){"-s", S.path, "kv", NULL});
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "name: cam-1\npackets: 18446744073709551615\ndelta: -5\n"
				      "ratio: 0.25\nup: yes\n");
	CU_ASSERT_STRING_EQUAL(r.err, "");

	run(&r, NULL, (const char *const[]){"--socket", S.path, "--json", "ports", NULL});
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_TRUE(json_valid(r.out, strlen(r.out)));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\"rx_pkts\":123456789"));

	/* env var supplies the socket; options after the command are args */
	char env[200];
	snprintf(env, sizeof(env), "STREAMGATE_CTL=%s", S.path);
	run(&r, env, (const char *const[]){"-t", "2000", "echo", "-j", "--x", NULL});
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_STRING_EQUAL(r.out, "argc: 3\n\ni  arg\n0  echo\n1  -j\n2  --x\n");

	run(&r, env, (const char *const[]){"help", NULL});
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "command", 7), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "\nctl-stats   ctl-stats"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "control socket counters\n"));
}

static void t_errors(void)
{
	struct run r;
	char env[200], want[300];

	run(&r, NULL, (const char *const[]){"-s", S.path, "fail", "cam-3", NULL});
	CU_ASSERT_EQUAL(r.code, 1);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	CU_ASSERT_STRING_EQUAL(r.err, "streamgatectl: no such camera 'cam-3'\n");

	run(&r, NULL, (const char *const[]){"-s", S.path, "--json", "nosuch", NULL});
	CU_ASSERT_EQUAL(r.code, 1);
	CU_ASSERT_STRING_EQUAL(r.err, "streamgatectl: unknown command 'nosuch' (try 'help')\n");

	/* connection errors -> 2 */
	snprintf(env, sizeof(env), "STREAMGATE_CTL=%s/missing.sock", S.dir);
	run(&r, env, (const char *const[]){"status", NULL});
	CU_ASSERT_EQUAL(r.code, 2);
	snprintf(want, sizeof(want),
		 "streamgatectl: cannot connect to %s/missing.sock: No such file or directory "
		 "(is streamgate running?)\n", S.dir);
	CU_ASSERT_STRING_EQUAL(r.err, want);

	/* usage errors -> 2 */
	run(&r, NULL, (const char *const[]){"-s", S.path, NULL});
	CU_ASSERT_EQUAL(r.code, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "streamgatectl: no command given\n"));
	run(&r, NULL, (const char *const[]){"-t", "abc", "kv", NULL});
	CU_ASSERT_EQUAL(r.code, 2);
	CU_ASSERT_STRING_EQUAL(r.err, "streamgatectl: invalid timeout 'abc'\n");
	run(&r, NULL, (const char *const[]){"--bogus", "kv", NULL});
	CU_ASSERT_EQUAL(r.code, 2);
	run(&r, NULL, (const char *const[]){"--help", NULL});
	CU_ASSERT_EQUAL(r.code, 0);
	CU_ASSERT_EQUAL(strncmp(r.out, "usage: streamgatectl", 20), 0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH_TO_STREAMGATECTL\n", argv[0]);
		return 1;
	}
	g_exe = argv[1];
	signal(SIGPIPE, SIG_IGN);
	sg_log_level_set(SG_LOG_WARN);
	if (ts_start(&S, 0) != 0) {
		fprintf(stderr, "cannot start the test server\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("streamgatectl", NULL, NULL);
	CU_add_test(s, "commands and output", t_ok);
	CU_add_test(s, "errors and exit codes", t_errors);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	ts_stop(&S);
	return fails ? 1 : 0;
}
