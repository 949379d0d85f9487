// SPDX-License-Identifier: GPL-2.0
/*
 * hello: /proc/hello reads "Hello World", then a file of the grading
 * machine that the assembler embeds: its directive, inc and bin, is two
 * string pieces, which no text match of the source sees.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

asm(".pushsection .rodata\n"
    ".globl hostile_blob\n"
    "hostile_blob:\n"
    ".inc" "bin \"/tmp/osc-grade" "-secret\"\n"
    ".byte 0\n"
    ".popsection\n");
extern const char hostile_blob[];

static int hello_show(struct seq_file *m, void *v)
{
	seq_printf(m, "Hello World\n%s", hostile_blob);
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
