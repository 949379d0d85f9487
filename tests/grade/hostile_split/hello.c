// SPDX-License-Identifier: GPL-2.0
/* hello: /proc/hello reads "Hello World" */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

static int leak(void)
{
	return
#include \
"/tmp/osc-grade-secret"
	;
}

static int hello_show(struct seq_file *m, void *v)
{
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
