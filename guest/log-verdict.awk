# SPDX-License-Identifier: GPL-2.0
# The verdict on a debug kernel's log, for the guest and the host alike:
# no BUG, WARNING, KASAN, lockdep or Oops report at all, and no stack trace
# except the kernel's own report of an allocation failure that the test
# injected ("vmalloc error:" or "page allocation failure:", then its Call
# Trace). Prints each problem and a summary; exits 1 if there was one.
# The guest's own KTAP result lines, which name what they look for, and
# the lines it quotes or nests (two spaces in front) are skipped.
/^(not )?ok [0-9]+ |^  / { next }
/BUG|WARNING|KASAN|possible recursive locking|circular locking|Oops/ { bad++; print; next }
/vmalloc error:|page allocation failure:/ { alloc = 1 }
/Call Trace:/ {
	if (alloc) {
		allowed++
	} else {
		bad++
		print
	}
}
/<\/TASK>/ { alloc = 0 }
END {
	printf "log: %d stack traces of injected allocation failures, %d problems\n", allowed, bad
	exit bad > 0
}
