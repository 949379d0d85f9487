#include <linux/init.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include "hello_proc.h"

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
