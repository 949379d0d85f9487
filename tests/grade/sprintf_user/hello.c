#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>

static int completed;

static ssize_t proc_read(struct file *file, char __user *usr_buf, size_t count, loff_t *pos)
{
	int rv;

	if (completed) {
		completed = 0;
		return 0;
	}
	completed = 1;
	rv = sprintf(usr_buf, "Hello World\n");
	return rv;
}

static const struct proc_ops proc_ops = {
	.proc_read = proc_read,
};

static int proc_init(void)
{
	proc_create("hello", 0666, NULL, &proc_ops);
	return 0;
}

static void proc_exit(void)
{
	remove_proc_entry("hello", NULL);
}

module_init(proc_init);
module_exit(proc_exit);
MODULE_LICENSE("GPL");
