// SPDX-License-Identifier: GPL-2.0
/*
 * hello: its init never returns (a loop that waits for nothing), so
 * insmod never ends.
 */
#include <linux/delay.h>
#include <linux/module.h>

static int __init hello_init(void)
{
	for (;;)
		msleep(1000);
	return 0;
}

static void __exit hello_exit(void)
{
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hello Module");
