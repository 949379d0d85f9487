// SPDX-License-Identifier: GPL-2.0
/*
 * hello: a read that waits for a line that nothing ever provides: it
 * sleeps until a signal, so the reader hangs but the kernel goes on.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(hello_wait);
static bool hello_ready;	/* nothing ever sets it */
static const char text[] = "Hello World\n";

static ssize_t hello_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
{
	size_t len = sizeof(text) - 1;

	if (wait_event_interruptible(hello_wait, hello_ready))
		return -ERESTARTSYS;
	if (*pos >= len)
		return 0;
	if (count > len - *pos)
		count = len - *pos;
	if (copy_to_user(buf, text + *pos, count))
		return -EFAULT;
	*pos += count;
	return count;
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
MODULE_DESCRIPTION("Hello Module whose read sleeps for ever");
