# SPDX-License-Identifier: GPL-2.0
# osc-procfs: the two commands of README.md, and the export.
#
#   make demo     install, apply, build =m, boot, show the modules at work
#   make check    the test suite and its matrix of kernels (what .ci/run runs)
#   make quick    the stages an edit to a module needs, on a warm cache
#   make bench    what the series and the grader cost (not a test; prints tables)
#   make grade DIR="alice bob"   ./grade.sh on students' modules (GRADE_ARGS: its options)
#   make export KERNEL_DIR=... [LINE=6.12]   write a series from a git tree

QUICK_STAGES = checkpatch apply_git export build_m warnings boot_m build_y boot_y

.PHONY: demo check quick bench export grade

demo:
	./scripts/demo.sh

check:
	./tests/run.sh $(STAGES)

# quick builds =y in an object directory of its own (scripts/kernel.sh,
# mode_build_dir): the first run builds it, later ones relink no kernel
# twice. It installs what it needs first, so that it runs on any cache
# (tests/run.sh puts the source stage before the stages named)
quick:
	./scripts/deps.sh --sparse
	OSC_BUILTIN_DIR=1 ./tests/run.sh $(QUICK_STAGES)

bench:
	./bench/run.sh $(BENCH_ARGS)
	./bench/grade.sh $(GRADE_BENCH_ARGS)

grade:
	@test -n "$(DIR)" || { echo "usage: make grade DIR=\"SUBMISSION...\" [GRADE_ARGS=\"--json out.json\"]"; exit 2; }
	./grade.sh $(GRADE_ARGS) $(DIR)

export:
	@test -n "$(KERNEL_DIR)" || { echo "usage: make export KERNEL_DIR=/path/to/linux [LINE=6.12]"; exit 2; }
	./scripts/export.sh $(if $(LINE),--line $(LINE)) "$(KERNEL_DIR)"
