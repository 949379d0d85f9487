#ifndef HELLO_PROC_H
#define HELLO_PROC_H
#include <linux/seq_file.h>

int hello_show(struct seq_file *m, void *v);
#endif
