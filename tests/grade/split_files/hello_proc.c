#include <linux/seq_file.h>
#include "hello_proc.h"

int hello_show(struct seq_file *m, void *v)
{
	seq_puts(m, "Hello World\n");
	return 0;
}
