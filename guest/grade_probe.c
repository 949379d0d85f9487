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
 *   grade_probe hello PATH            it reads the words Hello World
 *   grade_probe jiffies PATH          it holds the kernel's tick count,
 *                                     between the counts just before and
 *                                     just after
 *   grade_probe seconds PATH T0 T1 HZ it holds the whole seconds since a
 *                                     load that happened between ticks T0
 *                                     and T1, within one; and again a few
 *                                     seconds later
 *   grade_probe reread PATH           open, one read(), close; twice: both
 *                                     opens read the text
 *   grade_probe small PATH N          N bytes a read(), each into the last
 *                                     N bytes before a guard page: no read
 *                                     returns more than N, and together
 *                                     they give the text
 *   grade_probe turns PATH            two opens, read in turns: each gets
 *                                     the whole text
 *   grade_probe seek PATH             read to the end: then read() gives
 *                                     0, and after lseek(fd, 0, SEEK_SET)
 *                                     the text again
 *   grade_probe efault PATH           a read() into an unmapped address
 *                                     fails with EFAULT
 *   grade_probe write PATH            a write() fails (root may open the
 *                                     file for writing)
 *   grade_probe removed PATH MODULE   open PATH, rmmod MODULE, then: PATH
 *                                     is gone and a read() of the open
 *                                     descriptor fails
 *
 * A counter's value is a number in its text: a label before it, a unit
 * after it, several numbers, or no newline at the end pass, each with a
 * "# note: " line (the kernel's own counters print the bare number and a
 * newline); the check fails when no number in the text is right. With
 * OSC_GRADE_STRICT=1 in the environment (grade.sh --strict-format), a
 * text other than the bare number and a newline fails. /proc/hello
 * passes when its words are Hello World, in any case, around any
 * spaces and punctuation; anything but "Hello World\n" gets a note.
 *
 * SEEN_AS in the environment names the reading on the "# seen: " line.
 * Ticks are unsigned long, as jiffies is: compared as time_after_eq()
 * compares them, so that a 32-bit kernel's wrap is not a step back.
 */
#define _GNU_SOURCE
#include <ctype.h>
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
	for (i = 0; i < len && i < 160; i++) {
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
	if (len > 160)
		printf("... (%zd bytes)", len);
}

/* a passing check's note: a counter's text and its count of numbers,
 * or a note of its own */
static const char *note_text, *note_own;
static int note_count;

static void note_format(const char *text, int count);

static int verdict(bool ok, const char *reason)
{
	putchar('\n');
	if (!ok && reason)
		printf("# reason: %s\n", reason);
	if (ok && note_text)
		note_format(note_text, note_count);
	if (ok && note_own)
		printf("# note: %s\n", note_own);
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

/* @text is one decimal number and a newline, as the kernel's counters */
static bool is_bare(const char *text)
{
	size_t n = strspn(text, "0123456789");

	return n && !strcmp(text + n, "\n");
}

static bool strict(void)
{
	const char *s = getenv("OSC_GRADE_STRICT");

	return s && !strcmp(s, "1");
}

#define NUMS_MAX 16

/* the first byte of @text that is not text (printable ASCII, a tab or
 * a newline), or NULL: a character pasted from a PDF, a NUL, garbage */
static const char *odd_byte(const char *text, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = text[i];

		if ((c < 32 && c != '\n' && c != '\t') || c > 126)
			return text + i;
	}
	return NULL;
}

/* "# seen: " ends with where @text has bytes that are not text */
static bool say_odd(const char *text, size_t len)
{
	const char *odd = odd_byte(text, len);

	if (!odd)
		return false;
	printf(": byte %zd is not text (", odd - text);
	quote(odd, len - (odd - text) < 4 ? len - (odd - text) : 4);
	printf("%s)", (unsigned char)*odd >= 0xe0 ? ": a character pasted from a PDF or a word processor, such as \\u2216 for a backslash?" : "");
	return true;
}

/* the numbers in a text: runs of digits; a '-' right before one that
 * follows no letter or digit is its sign */
struct numbers {
	int n;
	unsigned long v[NUMS_MAX];
	bool neg[NUMS_MAX];
};

static void find_numbers(const char *text, struct numbers *nums)
{
	const char *p = text;
	char *end;

	nums->n = 0;
	while (*p && nums->n < NUMS_MAX) {
		if (*p < '0' || *p > '9') {
			p++;
			continue;
		}
		errno = 0;
		nums->v[nums->n] = strtoul(p, &end, 10);
		nums->neg[nums->n] = p > text && p[-1] == '-' &&
			(p - 1 == text || !isalnum((unsigned char)p[-2]));
		if (errno == 0)
			nums->n++;
		p = end;
	}
}

static void print_number(const struct numbers *nums, int i)
{
	printf("%s%lu", nums->neg[i] ? "-" : "", nums->v[i]);
}

/* the numbers of @nums, listed as "A, B and C" */
static void print_numbers(const struct numbers *nums)
{
	int i;

	for (i = 0; i < nums->n; i++) {
		if (i)
			fputs(i == nums->n - 1 ? " and " : ", ", stdout);
		print_number(nums, i);
	}
}

/* what a counter's text has besides its bare value, on a "# note: "
 * line; none for the wrap's readings (SEEN_AS): content said it once */
static void note_format(const char *text, int count)
{
	size_t len = strlen(text);
	const char *as = getenv("SEEN_AS");

	if (is_bare(text) || (as && *as))
		return;
	printf("# note: the file reads ");
	quote(text, len);
	if (count > 1)
		printf(": %d numbers, not one", count);
	else if (strspn(text, "0123456789\n") != len)
		printf(": words around the value");
	if (!len || text[len - 1] != '\n')
		printf(", no newline at its end");
	printf(" (right, and worth no point; the kernel's one-value files, such as /proc/sys/kernel/pid_max, hold the bare number and a newline)\n");
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

/* @text's letters, lower case, each word once spaced: "hello world" */
static void words_of(const char *text, char *out, size_t size)
{
	size_t n = 0;
	bool gap = false;

	for (; *text && n + 2 < size; text++) {
		if (isalpha((unsigned char)*text)) {
			if (gap && n)
				out[n++] = ' ';
			out[n++] = tolower((unsigned char)*text);
			gap = false;
		} else {
			gap = true;
		}
	}
	out[n] = '\0';
}

/* /proc/hello's text: the words Hello World */
static bool hello_ok(const char *text)
{
	char words[64];

	if (!strcmp(text, "Hello World\n"))
		return true;
	if (strict() || strlen(text) > 40)
		return false;
	words_of(text, words, sizeof(words));
	return !strcmp(words, "hello world");
}

/* the text of @path is whole: empty and a read that never ends are not */
static bool read_whole(ssize_t len, const char *path)
{
	if (len < 0) {
		printf("reading %s failed: %s", path, strerror(-len));
		return false;
	}
	if (len >= TEXT_MAX - 1) {
		printf("%s gave %d bytes and more: its read never returned 0 (the end of the file)",
		       path, TEXT_MAX - 1);
		return false;
	}
	return true;
}

static const char *read_reason(ssize_t len)
{
	return len < 0 ? "read_error" : "no_end";
}

static int do_hello(const char *path)
{
	char buf[TEXT_MAX];
	ssize_t len = read_path(path, buf, sizeof(buf));

	seen();
	if (!read_whole(len, path))
		return verdict(false, read_reason(len));
	printf("%s read ", path);
	quote(buf, len);
	if (say_odd(buf, len))
		return verdict(false, "not_text");
	if (strcmp(buf, "Hello World\n"))
		note_own = "right, and worth no point: the lab's text is \"Hello World\" and a newline, as seq_puts(m, \"Hello World\\n\") writes it";
	return verdict(hello_ok(buf), "wrong_text");
}

/* @a and @b alike but for their numbers: each run of digits one '#' */
static bool same_shape(const char *a, const char *b)
{
	for (;;) {
		bool da = *a >= '0' && *a <= '9', db = *b >= '0' && *b <= '9';

		if (da != db)
			return false;
		if (da) {
			a += strspn(a, "0123456789");
			b += strspn(b, "0123456789");
			continue;
		}
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++;
		b++;
	}
}

/* the range a counter's value must fall in: @lo to @hi, compared as
 * ticks (time_after_eq(), through a wrap) when @ticks */
struct range {
	unsigned long lo, hi;
	bool ticks;
};

static bool in_range(const struct range *r, const struct numbers *nums, int i)
{
	unsigned long v = nums->v[i];

	if (nums->neg[i])
		return false;
	if (r->ticks)
		return after_eq(v, r->lo) && after_eq(r->hi, v);
	return v >= r->lo && v <= r->hi;
}

/*
 * The counter at @path, read once whole between two readings of the
 * kernel's tick count, @t0 and @t1; its text quoted on the "# seen: "
 * line, then its numbers. Returns 0 with the text in @buf, or the
 * probe's exit status.
 */
static int read_count_between(const char *path, unsigned long *t0,
			      unsigned long *t1, char *buf, struct numbers *nums)
{
	ssize_t len;

	if (!ticks_now(t0))
		return printf("# seen: no jiffies: line in /proc/timer_list\n"), 2;
	len = read_path(path, buf, TEXT_MAX);
	ticks_now(t1);
	seen();
	if (!read_whole(len, path))
		return verdict(false, read_reason(len));
	quote(buf, len);
	if (say_odd(buf, len))
		return verdict(false, "not_text");
	find_numbers(buf, nums);
	if (!nums->n) {
		printf(": no number in it");
		return verdict(false, "not_a_number");
	}
	if (strict() && !is_bare(buf)) {
		printf(": not the bare number and a newline (--strict-format)");
		return verdict(false, "not_bare");
	}
	return 0;
}

/*
 * The verdict on a counter's @nums against @r, and, read again later,
 * @later against @rl (or NULL): a number that is right at each reading,
 * in the same place of the text, passes. The "# seen: " line says which
 * number was taken, or why none is right; @what names the ranges.
 */
static int judge(const char *text, const struct numbers *nums, const struct range *r,
		 const struct numbers *later, const struct range *rl, const char *what)
{
	int i, hit = -1;

	for (i = 0; i < nums->n && hit < 0; i++)
		if (in_range(r, nums, i) && (!later || in_range(rl, later, i)))
			hit = i;
	if (nums->n == 1) {
		printf(": its number, ");
		print_number(nums, 0);
		if (later) {
			printf(" then ");
			print_number(later, 0);
		}
		printf(", %s %s", hit < 0 ? "is not" : "is", what);
		if (nums->neg[0])
			printf(" (it is negative: a value printed through an int or with %%d)");
	} else if (hit < 0) {
		printf(": none of its numbers, ");
		print_numbers(nums);
		printf(", is %s", what);
	} else {
		printf(": of its numbers, ");
		print_numbers(nums);
		printf(", the value taken is ");
		print_number(nums, hit);
		printf(", %s", what);
	}
	note_text = text;
	note_count = nums->n;
	return verdict(hit >= 0, "wrong_count");
}

static int do_jiffies(const char *path)
{
	char buf[TEXT_MAX], what[96];
	struct numbers nums;
	struct range r = { .ticks = true };
	int rc = read_count_between(path, &r.lo, &r.hi, buf, &nums);

	if (rc)
		return rc;
	snprintf(what, sizeof(what), "from %lu to %lu, the kernel's count before and after",
		 r.lo, r.hi);
	return judge(buf, &nums, &r, NULL, NULL, what);
}

/* the seconds since a load between ticks @l0 and @l1, read between @t0
 * and @t1, within one */
static void seconds_range(struct range *r, unsigned long l0, unsigned long l1,
			  unsigned long t0, unsigned long t1, unsigned long hz)
{
	r->ticks = false;
	r->lo = (t0 - l1) / hz;
	r->hi = (t1 - l0) / hz + 1;
	r->lo = r->lo ? r->lo - 1 : 0;
}

/*
 * Read twice, LATER_S seconds apart (idle time the guest skips): the
 * value is the number that is right both times, in the same place, so a
 * number of a label (a "2" in "lab 2: 4294670 s") or a count frozen at
 * the load is not taken for it.
 */
#define LATER_S 4

static int do_seconds(const char *path, unsigned long l0, unsigned long l1,
		      unsigned long hz)
{
	char buf[TEXT_MAX], again[TEXT_MAX], what[192];
	struct numbers nums, later;
	unsigned long t0, t1, u0, u1;
	struct range r, rl;
	ssize_t len;
	int rc = read_count_between(path, &t0, &t1, buf, &nums);

	if (rc)
		return rc;
	sleep(LATER_S);
	if (!ticks_now(&u0))
		return printf("\n# seen: no jiffies: line in /proc/timer_list\n"), 2;
	len = read_path(path, again, sizeof(again));
	ticks_now(&u1);
	printf(", %d s later ", LATER_S);
	if (!read_whole(len, path))
		return verdict(false, read_reason(len));
	quote(again, len);
	find_numbers(again, &later);
	if (!same_shape(buf, again)) {
		printf(": the text changed more than its numbers");
		return verdict(false, "wrong_count");
	}
	seconds_range(&r, l0, l1, t0, t1, hz);
	seconds_range(&rl, l0, l1, u0, u1, hz);
	snprintf(what, sizeof(what), "from %lu to %lu s, then from %lu to %lu s (loaded %lu to %lu ticks before the first reading, HZ=%lu)",
		 r.lo, r.hi, rl.lo, rl.hi, t0 - l1, t1 - l0, hz);
	return judge(buf, &nums, &r, &later, &rl, what);
}

/* one whole read of the file, made by the check first: what each way of
 * reading it must give again (a counter's numbers may have moved) */
static char ref[TEXT_MAX];

static void load_ref(const char *path)
{
	ssize_t len = read_path(path, ref, sizeof(ref));

	/* a text that never ends has no shape to hold another reading to */
	if (len < 0 || len >= TEXT_MAX - 1)
		ref[0] = '\0';
}

/*
 * @text is the file's text: for hello its words, for a counter a number;
 * and it has the shape of the whole read the check began with (no text
 * twice, none cut short).
 */
static bool text_ok(const char *path, const char *text)
{
	struct numbers nums;

	if (odd_byte(text, strlen(text)) || (ref[0] && !same_shape(text, ref)))
		return false;
	if (strstr(path, "hello"))
		return hello_ok(text);
	if (strict())
		return is_bare(text);
	find_numbers(text, &nums);
	return nums.n > 0;
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
	ssize_t na, nb;

	load_ref(path);
	na = read_once(path, a, sizeof(a));
	nb = read_once(path, b, sizeof(b));

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
	memcpy(ref, whole, len + 1);
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
	bool ended_a = false, ended_b = false;

	if (fa < 0 || fb < 0)
		return printf("# seen: open: %s\n", strerror(errno)), 1;
	load_ref(path);
	/* each reader reads, in turn, until it gets 0 */
	for (i = 0; i < 8; i++) {
		r = read(fa, a + na, sizeof(a) - 1 - na);
		na += r > 0 ? r : 0;
		ended_a = r <= 0;
		r = read(fb, b + nb, sizeof(b) - 1 - nb);
		nb += r > 0 ? r : 0;
		ended_b = r <= 0;
	}
	close(fa);
	close(fb);
	a[na] = b[nb] = '\0';
	seen();
	printf("reader A got ");
	quote(a, na);
	printf(", reader B got ");
	quote(b, nb);
	if (!ended_a && !ended_b) {
		printf("; after 8 read()s each, neither had got 0 (the end)");
		return verdict(false, "no_end");
	}
	return verdict(text_ok(path, a) && text_ok(path, b),
		       nb == 0 || na == 0 ? "one_empty" : "wrong_text");
}

/*
 * Read to the end, twice more (0 each time), lseek() to 0 and read the
 * text again: what a program that reads a file again does (less, tail
 * -f). A refused lseek() is told from a second reading that gives
 * nothing.
 */
static int do_seek(const char *path)
{
	char first[TEXT_MAX], again[TEXT_MAX];
	ssize_t len, more[2], n;
	off_t off;
	int fd = open(path, O_RDONLY), i;

	if (fd < 0)
		return printf("# seen: open: %s\n", strerror(errno)), 1;
	len = read_all(fd, first, sizeof(first), sizeof(first));
	/* the reference is this reading: the file is not opened again */
	if (len > 0 && len < TEXT_MAX - 1)
		memcpy(ref, first, len + 1);
	seen();
	if (!read_whole(len, path)) {
		close(fd);
		return verdict(false, read_reason(len));
	}
	for (i = 0; i < 2; i++)
		more[i] = read(fd, again, sizeof(again) - 1);
	if (more[0] || more[1]) {
		close(fd);
		printf("read to its end (");
		quote(first, len);
		printf("), the next two read()s returned %zd and %zd, not 0", more[0], more[1]);
		return verdict(false, "no_eof");
	}
	errno = 0;
	off = lseek(fd, 0, SEEK_SET);
	if (off != 0) {
		close(fd);
		printf("read to its end, then lseek(fd, 0, SEEK_SET) returned %lld: %s",
		       (long long)off, strerror(errno));
		return verdict(false, errno == ESPIPE ? "lseek_refused" : "lseek_failed");
	}
	n = read_all(fd, again, sizeof(again), sizeof(again));
	close(fd);
	printf("read to its end ");
	quote(first, len);
	printf(", 0 after it, then after lseek(fd, 0, SEEK_SET) ");
	if (n < 0) {
		printf("read() failed: %s", strerror(-n));
		return verdict(false, "read_error");
	}
	quote(again, n);
	return verdict(text_ok(path, again), n ? "wrong_text" : "empty_after_seek");
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
	fputs("usage: grade_probe ticks | text|hello|jiffies|reread|turns|seek|efault|write PATH |\n"
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
	if (argc == 3 && !strcmp(argv[1], "seek"))
		return do_seek(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "efault"))
		return do_efault(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "write"))
		return do_write(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "removed"))
		return do_removed(argv[2], argv[3]);
	return usage();
}
