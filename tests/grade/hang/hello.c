// SPDX-License-Identifier: GPL-2.0
/*
 * hello: a read that waits for a position that never comes: it copies
 * nothing (count is 0 for the terminating byte it forgot), so its loop
 * never ends, and a kernel without preemption never gets the CPU back.
 */
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

static const char text[] = "Hello World\n";

static ssize_t hello_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
{
	size_t done = 0;

	while (done < sizeof(text)) {
		size_t n = min(count, sizeof(text) - 1 - done);

		if (copy_to_user(buf + done, text + done, n))
			return -EFAULT;
		done += n;
	}
	*pos += done;
	return done;
}

static const struct proc_ops hello_ops = {
	.proc_read = hello_read,
};

static int __init hello_init(void)
{
	if (!proc_create("hello", 0444, NULL, &hello_ops))
		return -ENOMEM;
	return 0;
}

static void __exit hello_exit(void)
{
	remove_proc_entry("hello", NULL);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hello Module whose read never returns");
