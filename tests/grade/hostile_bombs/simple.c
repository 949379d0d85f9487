// SPDX-License-Identifier: GPL-2.0
/*
 * simple: a preprocessor bomb. Each macro is ten of the one before, so
 * that B9 is 10^10 initializers: the compiler runs out of memory (or of
 * time) long before it is done.
 */
#include <linux/module.h>

#define B0 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
#define B1 B0 B0 B0 B0 B0 B0 B0 B0 B0 B0
#define B2 B1 B1 B1 B1 B1 B1 B1 B1 B1 B1
#define B3 B2 B2 B2 B2 B2 B2 B2 B2 B2 B2
#define B4 B3 B3 B3 B3 B3 B3 B3 B3 B3 B3
#define B5 B4 B4 B4 B4 B4 B4 B4 B4 B4 B4
#define B6 B5 B5 B5 B5 B5 B5 B5 B5 B5 B5
#define B7 B6 B6 B6 B6 B6 B6 B6 B6 B6 B6
#define B8 B7 B7 B7 B7 B7 B7 B7 B7 B7 B7
#define B9 B8 B8 B8 B8 B8 B8 B8 B8 B8 B8

static const char bomb[] = { B9 };

static int __init simple_init(void)
{
	pr_info("%zu\n", sizeof(bomb));
	return 0;
}

static void __exit simple_exit(void)
{
}

module_init(simple_init);
module_exit(simple_exit);
MODULE_LICENSE("GPL");
