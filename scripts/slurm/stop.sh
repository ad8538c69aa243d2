#!/usr/bin/env bash
# Stops the daemons started by scripts/slurm/start.sh DIR, by the pids they recorded under DIR.
# Order matters: slurmd first (it keeps retrying the controller for ~15 s if slurmctld goes first),
# then slurmctld, then munged. A daemon that ignores SIGTERM for 5 s gets SIGKILL. Safe to repeat.
S="$(realpath -m "${1:?usage: stop.sh DIR}")"
alive() { [ -e "/proc/$1" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }  # zombies count as gone
for f in slurmd.pid slurmctld.pid munge/munged.pid; do
  [ -s "$S/$f" ] || continue
  pid="$(cat "$S/$f")"
  alive "$pid" || continue
  kill "$pid" 2>/dev/null || continue
  for _ in $(seq 100); do alive "$pid" || break; sleep 0.05; done
  if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  echo "stopped ${f%.pid} ($pid)"
done
exit 0
