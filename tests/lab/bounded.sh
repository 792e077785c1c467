#!/bin/sh
# bounded.sh SECONDS COMMAND [ARGS...]: runs COMMAND; if it has not ended
# after SECONDS, prints every thread's stack (gdb, when installed) so a hang
# in a suite names where it hangs, then kills it and exits 124.
# Why: a hung CLI call otherwise eats the whole ctest timeout and prints nothing.
limit=$1
shift
"$@" &
pid=$!
# Polled every 0.1 s: a whole-second poll added up to a second to every call.
tenths=0
while kill -0 "$pid" 2>/dev/null; do
  if [ "$tenths" -ge $((limit * 10)) ]; then
    echo "bounded.sh: '$*' still running after ${limit} s; its threads:"
    if command -v gdb >/dev/null 2>&1; then
      gdb -batch -p "$pid" -ex 'thread apply all bt' 2>&1 | grep -E '^(Thread|#)' | head -200
    fi
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    exit 124
  fi
  sleep 0.1
  tenths=$((tenths + 1))
done
wait "$pid"
