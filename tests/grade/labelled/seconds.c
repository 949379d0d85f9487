#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/jiffies.h>
#include <linux/uaccess.h>

#define BUFFER_SIZE 128
#define PROC_NAME "seconds"

static unsigned long start_jiffies;

/* reports the seconds elapsed since the module was loaded */
static ssize_t proc_read(struct file *file, char __user *usr_buf,
			 size_t count, loff_t *pos)
{
	char buffer[BUFFER_SIZE];
	int len;

	len = sprintf(buffer, "%lu seconds have elapsed",
		      (jiffies - start_jiffies) / HZ);
	return simple_read_from_buffer(usr_buf, count, pos, buffer, len);
}

static const struct proc_ops proc_ops = {
	.proc_read = proc_read,
	.proc_lseek = default_llseek,
};

static int proc_init(void)
{
	start_jiffies = jiffies;
	proc_create(PROC_NAME, 0444, NULL, &proc_ops);
	return 0;
}

static void proc_exit(void)
{
	remove_proc_entry(PROC_NAME, NULL);
}

module_init(proc_init);
module_exit(proc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Seconds Module");
