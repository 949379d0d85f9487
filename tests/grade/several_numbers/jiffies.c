#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/jiffies.h>

static int show(struct seq_file *m, void *v)
{
	seq_printf(m, "jiffies = %lu, HZ = %d\n", jiffies, HZ);
	return 0;
}

static int __init j_init(void)
{
	return proc_create_single("jiffies", 0444, NULL, show) ? 0 : -ENOMEM;
}

static void __exit j_exit(void)
{
	remove_proc_entry("jiffies", NULL);
}

module_init(j_init);
module_exit(j_exit);
MODULE_LICENSE("GPL");
