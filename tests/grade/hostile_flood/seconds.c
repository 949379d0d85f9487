// SPDX-License-Identifier: GPL-2.0
/* seconds: /proc/seconds reads the seconds since the module was loaded */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static unsigned long loaded_at;

static int seconds_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%lu\n", (jiffies - loaded_at) / HZ);
	return 0;
}

static int __init seconds_init(void)
{
	loaded_at = jiffies;
	if (!proc_create_single("seconds", 0444, NULL, seconds_show))
		return -ENOMEM;
	return 0;
}

static void __exit seconds_exit(void)
{
	remove_proc_entry("seconds", NULL);
}

module_init(seconds_init);
module_exit(seconds_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Seconds Module");
