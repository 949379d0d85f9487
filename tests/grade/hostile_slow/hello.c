// SPDX-License-Identifier: GPL-2.0
/*
 * hello: its init never returns, and is never silent: it busy-waits a
 * second at a time and says so, too slowly to flood the console and too
 * often for the guest to seem hung. Only the time budget stops it.
 */
#include <linux/delay.h>
#include <linux/module.h>

static int __init hello_init(void)
{
	int i;

	for (i = 0;; i++) {
		mdelay(1000);
		pr_warn("hello: still loading, %d s\n", i);
	}
	return 0;
}

static void __exit hello_exit(void)
{
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Hello Module");
