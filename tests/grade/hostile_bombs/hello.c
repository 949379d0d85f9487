// SPDX-License-Identifier: GPL-2.0
/*
 * hello: an include bomb. The file includes itself twice at every level
 * (no guard), 2^200 paths down to the compiler's nesting limit.
 */
#include __FILE__
#include __FILE__
