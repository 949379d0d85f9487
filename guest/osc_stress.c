// SPDX-License-Identifier: GPL-2.0
/*
 * osc_stress: the guest's helper for the debug run.
 *
 *   osc_stress read PATH STOPFILE   read PATH in a loop until STOPFILE
 *                                   exists, at nice 19; print good,
 *                                   vanished and bad counts
 *   osc_stress sweep MODULE.ko NAME [FILE]
 *                                   load the module with its 1st, 2nd, ...
 *                                   slab allocation failing (failslab,
 *                                   aimed by /proc/thread-self/fail-nth),
 *                                   until a load no longer reaches the
 *                                   failure; after each, check that it is
 *                                   loaded whole (NAME listed, FILE there;
 *                                   then unload it) or left nothing; print
 *                                   the counts; exit 1 if something was left
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int well_formed(const char *path, const char *text)
{
	size_t digits = strspn(text, "0123456789");

	if (strcmp(path, "/proc/hello") == 0)
		return strcmp(text, "Hello World\n") == 0;
	return digits > 0 && strcmp(text + digits, "\n") == 0;
}

static int do_read(const char *path, const char *stop)
{
	unsigned long good = 0, vanished = 0, bad = 0;
	char buf[128];
	ssize_t n, len;
	int fd;

	errno = 0;
	if (nice(19) == -1 && errno)
		perror("nice");
	while (access(stop, F_OK) != 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			vanished++;
			continue;
		}
		len = 0;
		while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
			len += n;
		close(fd);
		buf[len] = '\0';
		/*
		 * Once the module is gone a read fails (EIO): before any text
		 * that is the file vanishing; after the whole text, the end of
		 * file that could not be reached. Only short, empty or wrong
		 * text is bad.
		 */
		if (len == 0 && n < 0) {
			vanished++;
		} else if (well_formed(path, buf)) {
			good++;
		} else {
			bad++;
			fprintf(stderr, "bad read of %s: \"%s\"\n", path, buf);
		}
	}
	printf("reader %s: good %lu vanished %lu bad %lu\n", path, good, vanished, bad);
	return bad ? 1 : 0;
}

/*
 * Load @ko with the @nth slab allocation check of this task failing
 * (fault injection's fail-nth; 0: none). The fail-nth file is opened
 * before it is armed and read through the same descriptor, so that only
 * the load itself counts. Return 0 or an errno; *left is what fail-nth
 * had left afterwards: 0 when the failure was injected.
 */
static int load(const char *ko, long nth, long *left)
{
	char buf[32];
	int fd, nfd, err = 0;
	ssize_t n;

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	nfd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0 || nfd < 0) {
		perror(fd < 0 ? ko : "/proc/thread-self/fail-nth");
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld", nth);
	if (nth && write(nfd, buf, n) != n) {
		perror("fail-nth");
		return -1;
	}
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	n = pread(nfd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	*left = atol(buf);
	if (pwrite(nfd, "0", 1, 0) != 1)	/* disarm what was not reached */
		perror("fail-nth");
	close(nfd);
	close(fd);
	return err;
}

/* Is module @name in /proc/modules? */
static int listed(const char *name)
{
	char line[256];
	size_t len = strlen(name);
	FILE *f = fopen("/proc/modules", "r");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strncmp(line, name, len) == 0 && line[len] == ' ';
	fclose(f);
	return found;
}

static int do_sweep(const char *ko, const char *name, const char *file)
{
	long nth, left, calls = 0;
	int err, whole = 0, clean = 0, broken = 0, injected = 0;
	int there;

	for (nth = 1; nth < 100000; nth++) {
		err = load(ko, nth, &left);
		if (err < 0)
			return 2;
		there = !file || access(file, F_OK) == 0;
		if (!err && listed(name) == 1 && there) {
			whole++;
			if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
				perror("delete_module");
				return 2;
			}
		} else if (err && listed(name) == 0 && (!file || !there)) {
			clean++;
		} else {
			broken++;
			printf("%s: allocation %ld failed (%s); the module or its file was left behind\n",
			       name, nth, strerror(err));
		}
		if (left) {		/* the load ended before allocation nth */
			calls = nth - 1;
			break;
		}
		injected++;
	}
	printf("%s: %ld loads, the load path's %ld slab allocations each failed once: "
	       "%d loads failed cleanly, %d loaded whole, %d left something behind\n",
	       name, nth, calls, clean, whole, broken);
	return broken || !injected || listed(name) != 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "read") == 0)
		return do_read(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "sweep") == 0)
		return do_sweep(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: osc_stress read PATH STOPFILE | sweep MODULE.ko NAME [FILE]\n");
	return 2;
}
