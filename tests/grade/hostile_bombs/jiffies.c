// SPDX-License-Identifier: GPL-2.0
/*
 * jiffies: a memory bomb. It includes /dev/zero, a file without end,
 * by a computed name.
 */
#define ZERO "/dev/zero"
#include ZERO
