#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/jiffies.h>

static unsigned long load_jiffies;

static int seconds_show(struct seq_file *m, void *v)
{
	unsigned long now = jiffies;

	seq_printf(m, "loaded at jiffies: %lu / current jiffies: %lu / elapsed seconds: %lu\n",
		   load_jiffies, now, (now - load_jiffies) / HZ);
	return 0;
}

static int __init seconds_init(void)
{
	load_jiffies = jiffies;
	if (!proc_create_single("seconds", 0444, NULL, seconds_show))
		return -ENOMEM;
	pr_info("seconds: loaded at %lu\n", load_jiffies);
	return 0;
}

static void __exit seconds_exit(void)
{
	remove_proc_entry("seconds", NULL);
}

module_init(seconds_init);
module_exit(seconds_exit);
MODULE_LICENSE("GPL");
