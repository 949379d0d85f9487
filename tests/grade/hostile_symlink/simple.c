// SPDX-License-Identifier: GPL-2.0
/* simple: log some of the kernel's values on load and on unload */
#include <linux/gcd.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/module.h>

static int leak(void)
{
	return
#include "secret.h"
	;
}

static int __init simple_init(void)
{
	pr_info("Loading Kernel Module\n");
	pr_info("GOLDEN_RATIO_PRIME = %llu\n", (unsigned long long)GOLDEN_RATIO_PRIME);
	pr_info("jiffies = %lu, HZ = %d\n", jiffies, HZ);
	return 0;
}

static void __exit simple_exit(void)
{
	pr_info("gcd(3300, 24) = %lu\n", gcd(3300, 24));
	pr_info("jiffies = %lu\n", jiffies);
	pr_info("Removing Kernel Module\n");
}

module_init(simple_init);
module_exit(simple_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Simple Module");
