// SPDX-License-Identifier: GPL-2.0
/* jiffies: /proc/jiffies reads the kernel's tick count */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static int jiffies_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%lu\n", jiffies);
	return 0;
}

static int __init jiffies_init(void)
{
	if (!proc_create_single("jiffies", 0444, NULL, jiffies_show))
		return -ENOMEM;
	return 0;
}

static void __exit jiffies_exit(void)
{
	remove_proc_entry("jiffies", NULL);
}

module_init(jiffies_init);
module_exit(jiffies_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Jiffies Module");
