// SPDX-License-Identifier: GPL-2.0
/*
 * grade_probe: the guest's reader of a student's /proc file, for the
 * grader (grade.sh, guest/grade.sh). Each command is one check: it prints
 * what it saw on a "# seen: " line, a "# reason: " line naming the kind
 * of failure, and exits 0 (pass) or 1 (fail).
 *
 *   grade_probe ticks                 the kernel's tick count now (the
 *                                     "jiffies:" line of /proc/timer_list)
 *   grade_probe text PATH             read PATH once, whole; print it
 *   grade_probe hello PATH            it reads "Hello World\n"
 *   grade_probe jiffies PATH          it reads the kernel's tick count,
 *                                     between the counts just before and
 *                                     just after
 *   grade_probe seconds PATH T0 T1 HZ it reads the whole seconds since a
 *                                     load that happened between ticks T0
 *                                     and T1, within one
 *   grade_probe reread PATH           open, one read(), close; twice: both
 *                                     opens read the text
 *   grade_probe small PATH N          N bytes a read(), each into the last
 *                                     N bytes before a guard page: no read
 *                                     returns more than N, and together
 *                                     they give the text
 *   grade_probe turns PATH            two opens, read in turns: each gets
 *                                     the whole text
 *   grade_probe efault PATH           a read() into an unmapped address
 *                                     fails with EFAULT
 *   grade_probe write PATH            a write() fails (root may open the
 *                                     file for writing)
 *   grade_probe removed PATH MODULE   open PATH, rmmod MODULE, then: PATH
 *                                     is gone and a read() of the open
 *                                     descriptor fails
 *
 * SEEN_AS in the environment names the reading on the "# seen: " line.
 * Ticks are unsigned long, as jiffies is: compared as time_after_eq()
 * compares them, so that a 32-bit kernel's wrap is not a step back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEXT_MAX 4096

static long page;

/* print @len bytes of @buf as a C string literal, on one line */
static void quote(const char *buf, ssize_t len)
{
	ssize_t i;

	putchar('"');
	for (i = 0; i < len && i < 80; i++) {
		unsigned char c = buf[i];

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 32 || c > 126)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	putchar('"');
	if (len > 80)
		printf("... (%zd bytes)", len);
}

static int verdict(bool ok, const char *reason)
{
	putchar('\n');
	if (!ok && reason)
		printf("# reason: %s\n", reason);
	return ok ? 0 : 1;
}

/* "# seen: ", and what the scenario says the reading was, SEEN_AS */
static void seen(void)
{
	const char *as = getenv("SEEN_AS");

	fputs("# seen: ", stdout);
	if (as && *as)
		printf("%s: ", as);
}

/* read @fd to its end, @chunk bytes a read(); length or -errno */
static ssize_t read_all(int fd, char *buf, size_t size, size_t chunk)
{
	ssize_t len = 0, n;

	while ((size_t)len < size - 1) {
		size_t want = size - 1 - len < chunk ? size - 1 - len : chunk;

		n = read(fd, buf + len, want);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return len;
}

static ssize_t read_path(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = read_all(fd, buf, size, size);
	close(fd);
	return len;
}

static bool ticks_now(unsigned long *t)
{
	char buf[TEXT_MAX * 4], *p;
	ssize_t len = read_path("/proc/timer_list", buf, sizeof(buf));

	if (len <= 0)
		return false;
	p = strstr(buf, "\njiffies: ");
	return p && sscanf(p, "\njiffies: %lu", t) == 1;
}

/* @text is one decimal number and a newline */
static bool parse_count(const char *text, unsigned long *value)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	*value = strtoul(text, &end, 10);
	return errno == 0 && strcmp(end, "\n") == 0;
}

static bool after_eq(unsigned long a, unsigned long b)
{
	return (long)(a - b) >= 0;
}

static int do_text(const char *path)
{
	char buf[TEXT_MAX];
	ssize_t len = read_path(path, buf, sizeof(buf));

	seen();
	if (len < 0) {
		printf("reading %s failed: %s", path, strerror(-len));
		return verdict(false, "read_error");
	}
	quote(buf, len);
	return verdict(true, NULL);
}

static int do_hello(const char *path)
{
	char buf[TEXT_MAX];
	ssize_t len = read_path(path, buf, sizeof(buf));

	seen();
	if (len < 0) {
		printf("reading %s failed: %s", path, strerror(-len));
		return verdict(false, "read_error");
	}
	printf("%s read ", path);
	quote(buf, len);
	return verdict(!strcmp(buf, "Hello World\n"), "wrong_text");
}

/*
 * The counter at @path, read once whole between two readings of the
 * kernel's tick count, @t0 and @t1; its text quoted on the "# seen: "
 * line. Returns 0 with the number in @v, or the probe's exit status.
 */
static int read_count_between(const char *path, unsigned long *t0,
			      unsigned long *t1, unsigned long *v)
{
	char buf[TEXT_MAX];
	ssize_t len;

	if (!ticks_now(t0))
		return printf("# seen: no jiffies: line in /proc/timer_list\n"), 2;
	len = read_path(path, buf, sizeof(buf));
	ticks_now(t1);
	seen();
	if (len < 0) {
		printf("reading %s failed: %s", path, strerror(-len));
		return verdict(false, "read_error");
	}
	quote(buf, len);
	if (!parse_count(buf, v)) {
		printf(": not one decimal number and a newline");
		return verdict(false, "not_a_number");
	}
	return 0;
}

static int do_jiffies(const char *path)
{
	unsigned long t0, t1, v;
	int rc = read_count_between(path, &t0, &t1, &v);

	if (rc)
		return rc;
	printf("; the kernel's count was %lu before and %lu after", t0, t1);
	return verdict(after_eq(v, t0) && after_eq(t1, v), "wrong_count");
}

static int do_seconds(const char *path, unsigned long l0, unsigned long l1,
		      unsigned long hz)
{
	unsigned long t0, t1, v, lo, hi;
	int rc = read_count_between(path, &t0, &t1, &v);

	if (rc)
		return rc;
	lo = (t0 - l1) / hz;
	hi = (t1 - l0) / hz + 1;
	lo = lo ? lo - 1 : 0;
	printf("; loaded %lu to %lu ticks ago at HZ=%lu: %lu to %lu s is right",
	       t0 - l1, t1 - l0, hz, lo, hi);
	return verdict(v >= lo && v <= hi, "wrong_count");
}

/* the text is there: for a counter any number, for hello its words */
static bool text_ok(const char *path, const char *text)
{
	unsigned long v;

	if (strstr(path, "hello"))
		return !strcmp(text, "Hello World\n");
	return parse_count(text, &v);
}

/* open, one read(), close: the length read or -errno */
static ssize_t read_once(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static int do_reread(const char *path)
{
	char a[TEXT_MAX], b[TEXT_MAX];
	ssize_t na = read_once(path, a, sizeof(a));
	ssize_t nb = read_once(path, b, sizeof(b));

	seen();
	if (na < 0 || nb < 0) {
		printf("open or read failed: %s", strerror(na < 0 ? -na : -nb));
		return verdict(false, "read_error");
	}
	printf("first open, one read(): ");
	quote(a, na);
	printf("; second open, one read(): ");
	quote(b, nb);
	return verdict(text_ok(path, a) && text_ok(path, b),
		       nb == 0 ? "second_empty" : "wrong_text");
}

/*
 * A buffer of @n bytes that ends where a page with no access begins: a
 * module that copies more than it was asked for hits the guard page.
 */
static char *guarded(size_t n)
{
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mprotect(p + page, page, PROT_NONE))
		return NULL;
	return p + page - n;
}

static int do_small(const char *path, size_t n)
{
	char whole[TEXT_MAX], got[TEXT_MAX], *buf = guarded(n);
	ssize_t len = read_path(path, whole, sizeof(whole)), r;
	size_t total = 0;
	int fd, reads = 0;

	if (!buf || len < 0)
		return printf("# seen: cannot set up: %s\n", strerror(errno)), 2;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return printf("# seen: open: %s\n", strerror(errno)), 1;
	while (total + n < sizeof(got) && reads < 1000) {
		r = read(fd, buf, n);
		reads++;
		if (r < 0) {
			seen();
			printf("read() #%d of %zu bytes failed: %s", reads, n, strerror(errno));
			return verdict(false, "read_error");
		}
		if ((size_t)r > n) {
			seen();
			printf("read() #%d of %zu bytes returned %zd: it claims %zd bytes past the reader's buffer",
			       reads, n, r, r - (ssize_t)n);
			return verdict(false, "overflow");
		}
		if (r == 0)
			break;
		memcpy(got + total, buf, r);
		total += r;
	}
	close(fd);
	got[total] = '\0';
	seen();
	printf("%d reads of %zu bytes gave ", reads, n);
	quote(got, total);
	printf("; one large read gave ");
	quote(whole, len);
	if (reads >= 1000)
		return verdict(false, "no_end");
	if (!strstr(path, "hello"))
		return verdict(text_ok(path, got) && total + 1 >= (size_t)len - 1 &&
			       total <= (size_t)len + 1, "incomplete");
	return verdict(!strcmp(got, whole) && text_ok(path, got), "incomplete");
}

static int do_turns(const char *path)
{
	char a[TEXT_MAX], b[TEXT_MAX];
	ssize_t na = 0, nb = 0, r;
	int fa = open(path, O_RDONLY), fb = open(path, O_RDONLY), i;

	if (fa < 0 || fb < 0)
		return printf("# seen: open: %s\n", strerror(errno)), 1;
	/* each reader reads, in turn, until it gets 0 */
	for (i = 0; i < 8; i++) {
		r = read(fa, a + na, sizeof(a) - 1 - na);
		na += r > 0 ? r : 0;
		r = read(fb, b + nb, sizeof(b) - 1 - nb);
		nb += r > 0 ? r : 0;
	}
	close(fa);
	close(fb);
	a[na] = b[nb] = '\0';
	seen();
	printf("reader A got ");
	quote(a, na);
	printf(", reader B got ");
	quote(b, nb);
	return verdict(text_ok(path, a) && text_ok(path, b),
		       nb == 0 || na == 0 ? "one_empty" : "wrong_text");
}

static int do_efault(const char *path)
{
	char *bad = guarded(0);
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || !bad)
		return printf("# seen: open: %s\n", strerror(errno)), 1;
	errno = 0;
	r = read(fd, bad, 64);
	close(fd);
	seen();
	if (r >= 0) {
		printf("read() into an unmapped address returned %zd (success)", r);
		return verdict(false, "success");
	}
	printf("read() into an unmapped address failed with %s", strerror(errno));
	return verdict(errno == EFAULT, "other_errno");
}

static int do_write(const char *path)
{
	char after[TEXT_MAX];
	ssize_t r, len;
	int fd = open(path, O_WRONLY);

	seen();
	if (fd < 0) {
		printf("open for writing fails: %s", strerror(errno));
		return verdict(true, NULL);
	}
	r = write(fd, "1\n", 2);
	close(fd);
	if (r >= 0) {
		len = read_path(path, after, sizeof(after));
		printf("write() of 2 bytes returned %zd (success); then the file reads ", r);
		quote(after, len > 0 ? len : 0);
		return verdict(false, "write_worked");
	}
	printf("write() fails: %s", strerror(errno));
	return verdict(true, NULL);
}

static int do_removed(const char *path, const char *module)
{
	char buf[TEXT_MAX];
	int fd = open(path, O_RDONLY), status;
	ssize_t r;
	pid_t pid;

	if (fd < 0)
		return printf("# seen: open: %s\n", strerror(errno)), 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl("/bin/rmmod", "rmmod", module, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return printf("# seen: cannot run rmmod\n"), 2;
	seen();
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("rmmod %s failed with a descriptor of %s open", module, path);
		return verdict(false, "rmmod_failed");
	}
	if (access(path, F_OK) == 0) {
		printf("%s is still there after rmmod %s", path, module);
		return verdict(false, "still_there");
	}
	errno = 0;
	r = read(fd, buf, sizeof(buf));
	close(fd);
	if (r >= 0) {
		printf("after rmmod a descriptor opened before read %zd bytes", r);
		return verdict(false, "read_worked");
	}
	printf("%s is gone; a descriptor opened before reads: %s", path, strerror(errno));
	return verdict(true, NULL);
}

static int usage(void)
{
	fputs("usage: grade_probe ticks | text|hello|jiffies|reread|turns|efault|write PATH |\n"
	      "       seconds PATH T0 T1 HZ | small PATH N | removed PATH MODULE\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long t;

	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "ticks")) {
		if (!ticks_now(&t))
			return 2;
		printf("%lu\n", t);
		return 0;
	}
	if (argc < 3)
		return usage();
	if (argc == 3 && !strcmp(argv[1], "text"))
		return do_text(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "hello"))
		return do_hello(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "jiffies"))
		return do_jiffies(argv[2]);
	if (argc == 6 && !strcmp(argv[1], "seconds"))
		return do_seconds(argv[2], strtoul(argv[3], NULL, 10),
				  strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "reread"))
		return do_reread(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "small"))
		return do_small(argv[2], strtoul(argv[3], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "turns"))
		return do_turns(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "efault"))
		return do_efault(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "write"))
		return do_write(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "removed"))
		return do_removed(argv[2], argv[3]);
	return usage();
}
