#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/jiffies.h>
#include <linux/uaccess.h>

#define BUFFER_SIZE 128

static ssize_t proc_read(struct file *file, char __user *usr_buf, size_t count, loff_t *pos)
{
	char buffer[BUFFER_SIZE];
	int rv;

	rv = snprintf(buffer, sizeof(buffer), "%lu\n", jiffies);
	if (rv > count)
		rv = count;
	if (copy_to_user(usr_buf, buffer, rv))
		return -EFAULT;
	return rv;
}

static const struct proc_ops proc_ops = {
	.proc_read = proc_read,
	.proc_lseek = default_llseek,
};

static int __init proc_init(void)
{
	proc_create("jiffies", 0444, NULL, &proc_ops);
	return 0;
}

static void __exit proc_exit(void)
{
	remove_proc_entry("jiffies", NULL);
}

module_init(proc_init);
module_exit(proc_exit);
MODULE_LICENSE("GPL");
