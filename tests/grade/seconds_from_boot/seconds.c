#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/jiffies.h>

static int seconds_show(struct seq_file *m, void *v)
{
	seq_printf(m, "Elapsed seconds = %lu\n", jiffies / HZ);
	return 0;
}

static int __init seconds_init(void)
{
	proc_create_single("seconds", 0444, NULL, seconds_show);
	return 0;
}

static void __exit seconds_exit(void)
{
	remove_proc_entry("seconds", NULL);
}

module_init(seconds_init);
module_exit(seconds_exit);
MODULE_LICENSE("GPL");
