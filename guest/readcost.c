// SPDX-License-Identifier: GPL-2.0
/*
 * readcost: the cost of one open-read-close of each /proc file named on
 * the command line, measured in rounds that interleave the files so that
 * drift in the machine hits them all alike.
 *
 *   readcost ROUNDS ITERATIONS FILE...
 *
 * Prints, per file, the best round's nanoseconds per open-read-close (the
 * least disturbed round). Under qemu -icount shift=0 guest time counts
 * instructions, so the figures repeat from run to run.
 *
 *   readcost trace TRACEFS FILE
 *
 * Reads FILE once to warm the caches, then once more with the tracer of
 * TRACEFS (the function graph tracer, set up by the caller) on for this
 * process alone: the trace then holds one open-read-close of FILE.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int read_once(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

/* write @text to the tracefs file @name under @tracefs */
static int tracefs_write(const char *tracefs, const char *name, const char *text)
{
	char path[256];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", tracefs, name);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

static int trace_once(const char *tracefs, const char *file)
{
	char pid[32], path[256];
	int on;

	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	snprintf(path, sizeof(path), "%s/tracing_on", tracefs);
	if (tracefs_write(tracefs, "set_ftrace_pid", pid) || read_once(file))
		return 1;
	on = open(path, O_WRONLY);
	if (on < 0)
		return 1;
	if (write(on, "1", 1) != 1)
		return 1;
	read_once(file);
	if (write(on, "0", 1) != 1)
		return 1;
	close(on);
	return 0;
}

int main(int argc, char **argv)
{
	int rounds, iters, nfiles, r, i, f;
	double best[16], t0, ns;

	if (argc == 4 && !strcmp(argv[1], "trace")) {
		if (trace_once(argv[2], argv[3])) {
			perror("readcost trace");
			return 1;
		}
		return 0;
	}
	if (argc < 4 || argc - 3 > 16) {
		fprintf(stderr, "usage: readcost ROUNDS ITERATIONS FILE...\n");
		return 2;
	}
	rounds = atoi(argv[1]);
	iters = atoi(argv[2]);
	nfiles = argc - 3;
	for (f = 0; f < nfiles; f++) {
		if (read_once(argv[3 + f])) {
			perror(argv[3 + f]);
			return 1;
		}
		best[f] = 1e18;
	}
	for (r = 0; r < rounds; r++) {
		for (f = 0; f < nfiles; f++) {
			t0 = now_ns();
			for (i = 0; i < iters; i++)
				read_once(argv[3 + f]);
			ns = (now_ns() - t0) / iters;
			if (ns < best[f])
				best[f] = ns;
		}
	}
	for (f = 0; f < nfiles; f++)
		printf("readcost %s %.0f\n", argv[3 + f], best[f]);
	return 0;
}
