#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

#define BUFFER_SIZE 128
#define PROC_NAME "hello"

static ssize_t proc_read(struct file *file, char __user *buf, size_t count, loff_t *pos);

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 6, 0)
static const struct proc_ops proc_ops = {
	.proc_read = proc_read,
};
#else
static struct file_operations proc_ops = {
	.owner = THIS_MODULE,
	.read = proc_read,
};
#endif

static ssize_t proc_read(struct file *file, char __user *usr_buf, size_t count, loff_t *pos)
{
	char buffer[BUFFER_SIZE];
	int len = sprintf(buffer, "Hello World\n");

	return simple_read_from_buffer(usr_buf, count, pos, buffer, len);
}

static int proc_init(void)
{
	proc_create(PROC_NAME, 0666, NULL, &proc_ops);
	return 0;
}

static void proc_exit(void)
{
	remove_proc_entry(PROC_NAME, NULL);
}

module_init(proc_init);
module_exit(proc_exit);
MODULE_LICENSE("GPL");
