#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/fs.h>

#define PROC_NAME "hello"

static ssize_t proc_read(struct file *file, char __user *usr_buf,
			 size_t count, loff_t *pos)
{
	static const char msg[] = "Hello World\n";

	/* keeps the position in *pos: every open and every reader is fine */
	return simple_read_from_buffer(usr_buf, count, pos, msg, sizeof(msg) - 1);
}

static const struct proc_ops proc_ops = {
	.proc_read = proc_read,
};

static int proc_init(void)
{
	if (!proc_create(PROC_NAME, 0444, NULL, &proc_ops))
		return -ENOMEM;
	return 0;
}

static void proc_exit(void)
{
	remove_proc_entry(PROC_NAME, NULL);
}

module_init(proc_init);
module_exit(proc_exit);
MODULE_LICENSE("GPL");
