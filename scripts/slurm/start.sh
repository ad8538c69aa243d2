#!/usr/bin/env bash
# Starts a throw-away one-node Slurm cluster (munged + slurmctld + slurmd) on loopback for the sweep
# tests, with every file (config, munge key and socket, state, spool, logs, pids) under DIR.
# A one-node cluster for tests; what it sets up beyond a stock slurm.conf:
#   - ports come from SLURMCTLD_PORT / SLURMD_PORT (defaults 16817/16818) and are checked to be free,
#     so a test can run its own cluster beside another one (tests pick free ports);
#   - the first schedule is immediate (batch_sched_delay=0) and finished jobs are forgotten fast;
#   - if anything fails, whatever was started is stopped again (no daemons left behind);
#   - missing commands are named with the install line, instead of a "command not found".
# Needs root (SlurmUser=root). Install: bash scripts/install-system-deps.sh (Debian: slurmctld slurmd
# slurm-client munge). Usage: scripts/slurm/start.sh DIR; then `export SLURM_CONF=DIR/slurm.conf`
# (also written to DIR/env). Stop with scripts/slurm/stop.sh DIR.
set -euo pipefail
S="$(realpath -m "${1:?usage: start.sh DIR}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
CTLD_PORT="${SLURMCTLD_PORT:-16817}"
SLURMD_PORT="${SLURMD_PORT:-16818}"
NODE="$(hostname -s)"
CPUS="$(nproc)"
MEM_MB="$(awk '/MemTotal/ {print int($2/1024*0.9)}' /proc/meminfo)"

for c in munged munge unmunge slurmctld slurmd sinfo; do
  command -v "$c" >/dev/null 2>&1 || { echo "start.sh: $c not found; install slurmctld slurmd slurm-client munge (scripts/install-system-deps.sh)" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "start.sh: needs root (the cluster runs with SlurmUser=root)" >&2; exit 1; }
for p in "$CTLD_PORT" "$SLURMD_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "start.sh: port $p is in use; set SLURMCTLD_PORT/SLURMD_PORT" >&2; exit 1; fi
done

mkdir -p "$S"/{munge,state,spool,log}
chmod 0755 "$S/munge"   # clients need +x on the socket dir; the key itself stays 0400
[ -s "$S/munge/munge.key" ] || head -c 1024 /dev/urandom > "$S/munge/munge.key"
chmod 0400 "$S/munge/munge.key"
trap 'echo "start.sh: failed; stopping what was started (logs in $S/log)" >&2; "$HERE/stop.sh" "$S" >&2 || true' ERR

cat > "$S/slurm.conf" <<CONF
ClusterName=pvnetsim
SlurmctldHost=${NODE}(127.0.0.1)
SlurmctldPort=${CTLD_PORT}
SlurmdPort=${SLURMD_PORT}
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${S}/munge/munge.socket
StateSaveLocation=${S}/state
SlurmdSpoolDir=${S}/spool
SlurmctldPidFile=${S}/slurmctld.pid
SlurmdPidFile=${S}/slurmd.pid
SlurmctldLogFile=${S}/log/slurmctld.log
SlurmdLogFile=${S}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=60
MpiDefault=none
MailProg=/bin/true
${SLURM_EXTRA_CONF:-}
NodeName=${NODE} NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${MEM_MB} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

munged --force --socket="$S/munge/munge.socket" --key-file="$S/munge/munge.key" \
  --pid-file="$S/munge/munged.pid" --log-file="$S/log/munged.log" --seed-file="$S/munge/munged.seed"
for _ in $(seq 50); do [ -S "$S/munge/munge.socket" ] && break; sleep 0.1; done
munge -n -S "$S/munge/munge.socket" | unmunge -S "$S/munge/munge.socket" >/dev/null

export SLURM_CONF="$S/slurm.conf"
echo "export SLURM_CONF=$SLURM_CONF" > "$S/env"
slurmctld -f "$SLURM_CONF"   # daemonizes, writes $S/slurmctld.pid
slurmd -f "$SLURM_CONF"      # daemonizes, writes $S/slurmd.pid
st=""
for _ in $(seq 150); do
  st="$(sinfo -h -N -o '%t' 2>/dev/null | head -1 || true)"
  case "$st" in idle|mix|alloc) break ;; esac
  sleep 0.2
done
case "$st" in
  idle|mix|alloc) ;;
  *) echo "start.sh: node not schedulable (state '$st'); see $S/log/" >&2; sinfo -R >&2 || true; false ;;
esac
trap - ERR
echo "slurm: node ${NODE} ${st}, ${CPUS} CPUs, ports ${CTLD_PORT}/${SLURMD_PORT}, files in ${S}"
echo "export SLURM_CONF=$SLURM_CONF"
