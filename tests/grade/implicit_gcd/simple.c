#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/hash.h>
#include <linux/jiffies.h>

static unsigned long start;

int simple_init(void)
{
	start = jiffies;
	printk(KERN_INFO "Loading Kernel Module\n");
	printk(KERN_INFO "GOLDEN_RATIO_PRIME = %llu\n", GOLDEN_RATIO_PRIME);
	printk(KERN_INFO "jiffies = %lu, HZ = %d\n", jiffies, HZ);
	return 0;
}

void simple_exit(void)
{
	printk(KERN_INFO "gcd(3300, 24) = %lu\n", gcd(3300, 24));
	printk(KERN_INFO "jiffies = %lu, elapsed %lu ms\n", jiffies,
	       jiffies_to_msecs(jiffies - start));
	printk(KERN_INFO "Removing Kernel Module\n");
}

module_init(simple_init);
module_exit(simple_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Simple Module");
MODULE_AUTHOR("SGG");
