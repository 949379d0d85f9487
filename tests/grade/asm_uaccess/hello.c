#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <asm/uaccess.h>

#define BUFFER_SIZE 128
#define PROC_NAME "hello"

static ssize_t proc_read(struct file *file, char __user *usr_buf, size_t count, loff_t *pos)
{
	char buffer[BUFFER_SIZE];
	size_t len = sprintf(buffer, "Hello World\n");

	if (*pos >= len)
		return 0;
	if (count > len - *pos)
		count = len - *pos;
	if (copy_to_user(usr_buf, buffer + *pos, count))
		return -EFAULT;
	*pos += count;
	return count;
}

static const struct proc_ops proc_ops = {
	.proc_read = proc_read,
	.proc_lseek = default_llseek,
};

static int __init proc_init(void)
{
	if (!proc_create(PROC_NAME, 0444, NULL, &proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit proc_exit(void)
{
	remove_proc_entry(PROC_NAME, NULL);
}

module_init(proc_init);
module_exit(proc_exit);
MODULE_LICENSE("GPL");
