// SPDX-License-Identifier: GPL-2.0
/*
 * seconds: a disk bomb. An initialized array of 512 MiB, not static
 * (so kept whole): the object file the assembler writes is as large.
 */
#include <linux/module.h>

char hostile_big[512 << 20] = { 1 };

static int __init seconds_init(void)
{
	pr_info("%d\n", hostile_big[0]);
	return 0;
}

static void __exit seconds_exit(void)
{
}

module_init(seconds_init);
module_exit(seconds_exit);
MODULE_LICENSE("GPL");
