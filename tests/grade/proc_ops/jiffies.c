/*
 * jiffies.c: the textbook's /proc read, ported to struct proc_ops (5.6 and
 * later) and nothing else changed: a static completed flag, the result
 * of copy_to_user() ignored.
 */
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

#define BUFFER_SIZE 128
#define PROC_NAME "jiffies"

static ssize_t proc_read(struct file *file, char __user *usr_buf, size_t count, loff_t *pos)
{
	int rv = 0;
	char buffer[BUFFER_SIZE];
	static int completed = 0;

	if (completed) {
		completed = 0;
		return 0;
	}
	completed = 1;
	rv = sprintf(buffer, "%lu\n", jiffies);
	copy_to_user(usr_buf, buffer, rv);
	return rv;
}

static const struct proc_ops my_proc_ops = {
	.proc_read = proc_read,
};

static int proc_init(void)
{
	proc_create(PROC_NAME, 0666, NULL, &my_proc_ops);
	return 0;
}

static void proc_exit(void)
{
	remove_proc_entry(PROC_NAME, NULL);
}

module_init(proc_init);
module_exit(proc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("jiffies module");
