// SPDX-License-Identifier: GPL-2.0
/*
 * hello: right, but each read prints ten thousand warnings, which the
 * kernel sends to the console: a flood.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static int hello_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < 10000; i++)
		pr_warn("hello: read number %d of a flood\n", i);
	seq_puts(m, "Hello World\n");
	return 0;
}

static int __init hello_init(void)
{
	if (!proc_create_single("hello", 0444, NULL, hello_show))
		return -ENOMEM;
	return 0;
}

static void __exit hello_exit(void)
{
	remove_proc_entry("hello", NULL);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hello Module");
