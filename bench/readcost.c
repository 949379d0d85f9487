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
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv)
{
	int rounds, iters, nfiles, r, i, f;
	double best[16], t0, ns;

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
