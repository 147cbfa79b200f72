#!/usr/bin/env bash
# Tests scripts/slurm/generate.sbatch and merge.sbatch on a real Slurm: a one-node cluster on this host.
#
#  1. Builds the release xrdsim (or takes XRDSIM_BIN), installs slurm-wlm and munge with apt-get if missing.
#  2. Starts a private munged (own key and socket in a temporary folder), slurmctld and slurmd (own slurm.conf,
#     ports 16817/16818, no cgroups: proctrack/linuxproc, task/none), waits until sinfo shows the node idle.
#  3. Writes a tiny corpus config (4 CIFs from Structures/ × 3 variants = 12 patterns, shards of 2 → 6 shards,
#     a 1001-point grid, augmentations on, all three formats) and submits generate.sbatch as a 4-task array
#     with `sbatch --wait`, then merge.sbatch with --dependency=afterok on the array, also with --wait.
#  4. Runs the same config on one machine (xrdsim generate, 2 threads) and compares the two corpus folders:
#       - the same list of files (every file, recursively: manifest.json, two_theta.npy, shard-*.npy,
#         labels-*.npy, labels-*.jsonl, shard-*.h5, opxrd/*.json) and nothing else (no slices/ left over);
#       - every file byte for byte (cmp), manifest.json included: so config, config_sha256, counts, shapes and
#         the per-shard file list with sizes and SHA-256 checksums are identical;
#       - independently of xrdsim, the size and SHA-256 of every file listed in the merged manifest.json
#         (python3 hashlib), and that the manifest lists every file of the folder.
#  5. Cancels jobs and stops the daemons it started (trap), whatever happened.
#
# Exit status: 0 pass; 0 with a "SKIPPED: reason" line when the Slurm daemons cannot run on this machine
# (XRDSIM_SLURM_REQUIRED=1 turns that into a failure); 1 on any failure. Every wait has a timeout.
# Environment: XRDSIM_BIN (skip the build), XRDSIM_SLURM_KEEP=1 (keep the temporary folder).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/scripts/slurm
started=$(date +%s)

say() { echo "slurm test: $*"; }
fail() { echo "slurm test: FAILED: $*" >&2; exit 1; }
elapsed() { echo "$(($(date +%s) - started)) s"; }

work=$(mktemp -d /tmp/xrdsim-slurm-test.XXXXXX)
chmod 755 "$work"
state=$work/state
mkdir -p "$state/ctld" "$state/slurmd" "$work/logs"
pids=()        # daemons this script started, stopped in reverse order by cleanup
slurm_up=0
status=1

show_logs() {
  for f in "$state"/munged.log "$state"/slurmctld.log "$state"/slurmd.log; do
    [ -s "$f" ] && { echo "--- last lines of $f"; tail -n 25 "$f"; }
  done
  for f in "$work"/logs/*; do
    [ -s "$f" ] && { echo "--- $f"; tail -n 25 "$f"; }
  done
  return 0
}

cleanup() {
  status=$?
  set +e
  if [ "$slurm_up" = 1 ]; then
    scancel --quiet --user=root >/dev/null 2>&1
    for _ in $(seq 1 20); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "${pids[$i]}" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "${pids[$i]}" 2>/dev/null
    wait "${pids[$i]}" 2>/dev/null
  done
  if [ "$status" != 0 ]; then
    show_logs >&2
    echo "slurm test: files kept in $work" >&2
  elif [ "${XRDSIM_SLURM_KEEP:-0}" = 1 ]; then
    echo "slurm test: files kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'fail "interrupted"' INT TERM

skip() {
  echo "slurm test: SKIPPED: $*"
  if [ "${XRDSIM_SLURM_REQUIRED:-0}" = 1 ]; then fail "Slurm is required (XRDSIM_SLURM_REQUIRED=1) but: $*"; fi
  show_logs
  exit 0
}

# Waits up to $1 seconds for the command "${@:2}" to succeed.
wait_for() {
  local seconds=$1; shift
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# --- 1. xrdsim and Slurm --------------------------------------------------------------------------------------
if [ -n "${XRDSIM_BIN:-}" ]; then
  bin=$XRDSIM_BIN
else
  say "building xrdsim (release)"
  make -s -C "$repo" deps
  (cd "$repo" && timeout 3600 swift build -c release --product xrdsim) || fail "swift build -c release failed"
  bin=$(cd "$repo" && swift build -c release --show-bin-path)/xrdsim
fi
[ -x "$bin" ] || fail "no xrdsim binary at $bin"
export XRDSIM_BIN=$bin

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
   || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge with apt-get"
  [ "$(id -u)" = 0 ] || fail "slurm-wlm is not installed and this is not root: apt-get install slurm-wlm munge"
  # No daemon may start during the install (no init system here; we start our own below).
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; made_policy=1; fi
  rc=0
  { timeout 900 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq slurm-wlm munge; } \
    >"$work/logs/apt.log" 2>&1 || rc=$?
  [ "$made_policy" = 1 ] && rm -f "$policy"
  [ "$rc" = 0 ] || { tail -n 20 "$work/logs/apt.log" >&2; fail "apt-get install slurm-wlm munge failed (exit $rc)"; }
fi
say "$(slurmctld -V), $(munged -V 2>&1 | head -n 1)"

# --- 2. munged, slurmctld, slurmd -----------------------------------------------------------------------------
node=$(hostname -s)
cpus=$(nproc)
mem_mb=$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
sock=$state/munge.socket

mungekey --create --keyfile="$state/munge.key" 2>/dev/null \
  || { dd if=/dev/urandom of="$state/munge.key" bs=1 count=1024 status=none && chmod 400 "$state/munge.key"; }
munged --foreground --force --socket="$sock" --key-file="$state/munge.key" --pid-file="$state/munged.pid" \
  --log-file="$state/munged.log" --seed-file="$state/munged.seed" >>"$state/munged.log" 2>&1 &
pids+=($!)
munged_pid=$!
munge_ok() { munge -n -S "$sock" | unmunge -S "$sock"; }
wait_for 20 eval 'munge_ok || ! kill -0 $munged_pid' >/dev/null 2>&1
munge_ok >/dev/null 2>&1 || skip "munged did not start (see munged.log below)"

export SLURM_CONF=$state/slurm.conf
cat >"$SLURM_CONF" <<EOF
# One-node test cluster of scripts/slurm/test.sh: everything as root, no cgroups, no accounting.
ClusterName=xrdsimtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/slurmd
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/slurmctld.log
SlurmdLogFile=$state/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
MinJobAge=600
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

say "starting slurmctld and slurmd (node $node, $cpus CPUs, ${mem_mb} MB)"
slurmctld -D -i -f "$SLURM_CONF" >>"$state/slurmctld.stderr" 2>&1 &
pids+=($!)
ctld_pid=$!
wait_for 30 eval 'scontrol ping || ! kill -0 $ctld_pid'
if ! scontrol ping >/dev/null 2>&1; then
  cat "$state/slurmctld.stderr" >&2
  kill -0 "$ctld_pid" 2>/dev/null || skip "slurmctld exited at start (see slurmctld.log below)"
  skip "slurmctld did not answer scontrol ping within 30 s"
fi
slurm_up=1
slurmd -D -N "$node" -f "$SLURM_CONF" >>"$state/slurmd.stderr" 2>&1 &
pids+=($!)
slurmd_pid=$!
node_idle() { [ "$(sinfo -h -n "$node" -o %t 2>/dev/null)" = idle ]; }
wait_for 60 eval 'node_idle || ! kill -0 $slurmd_pid'
if ! node_idle; then
  cat "$state/slurmd.stderr" >&2
  kill -0 "$slurmd_pid" 2>/dev/null || skip "slurmd exited at start (see slurmd.log below)"
  skip "node $node not idle within 60 s (sinfo: $(sinfo -h -n "$node" -o '%t %E' 2>&1))"
fi
say "node $node idle after $(elapsed)"

# --- 3. the array and the merge --------------------------------------------------------------------------------
config=$work/tiny.yaml
cat >"$config" <<EOF
seed: 4242
structures:
  - $repo/Structures/1000022.cif
  - $repo/Structures/1000026.cif
  - $repo/Structures/1000039.cif
  - $repo/Structures/1008449.cif
variants: 3
shard_size: 2
grid: {start: 10, stop: 60, step: 0.05}
instrument: cu-lab
radiation:
  - {name: CuKa12, weight: 0.8}
  - {name: CuKa1, weight: 0.2}
augment:
  strain:
    isotropic_percent: {normal: [0, 0.3], clip: [-1, 1]}
  zero_shift: {normal: [0, 0.03], clip: [-0.1, 0.1]}
  crystallite_size_nm: {log_uniform: [20, 1000]}
  background:
    family: {choice: [none, chebyshev, amorphous], weights: [0.2, 0.5, 0.3]}
    level: {log_uniform: [0.005, 0.2]}
  noise_counts: {log_uniform: [1000, 100000]}
  mixture:
    phases: {choice: [1, 2], weights: [0.7, 0.3]}
    fraction: {uniform: [0.05, 0.3]}
EOF
"$bin" generate --config "$config" --count-only || fail "the test config does not load"

# The array guard, without Slurm: a task of an array that is not 0-(N-1) must refuse when N is not given.
if guard=$(SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=2 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=2 \
             bash "$here/generate.sbatch" "$config" "$work/guard" 2>&1); then
  fail "generate.sbatch ran a task of array 1-2 without XRDSIM_SHARDS"
fi
case "$guard" in *XRDSIM_SHARDS*) ;; *) fail "generate.sbatch refused array 1-2 without naming XRDSIM_SHARDS: $guard" ;; esac

tasks=4
out=$work/cluster
say "sbatch --wait: generate.sbatch as array 0-$((tasks - 1))"
jobid=$(cd "$work" && timeout 300 sbatch --wait --parsable --array=0-$((tasks - 1)) --cpus-per-task=1 --mem=512M \
          --time=10 --output="$work/logs/generate-%A_%a.out" "$here/generate.sbatch" "$config" "$out") \
  || fail "the generate array failed or timed out (sbatch --wait exit $?)"
jobid=${jobid%%;*}
for ((i = 0; i < tasks; i++)); do
  log=$work/logs/generate-${jobid}_$i.out
  grep -q "^generated " "$log" 2>/dev/null || fail "array task $i left no 'generated' line in $log"
  sed 's/^/  task '"$i"': /' "$log"
done
# Resubmitting one task (as after a failure) with XRDSIM_SHARDS: it resumes and keeps the shard it finished.
say "sbatch --wait: task 2 again, XRDSIM_SHARDS=$tasks --array=2 (resume)"
rerun=$(cd "$work" && XRDSIM_SHARDS=$tasks timeout 120 sbatch --wait --parsable --array=2 --cpus-per-task=1 --mem=512M \
          --time=5 --output="$work/logs/rerun-%A_%a.out" "$here/generate.sbatch" "$config" "$out") \
  || fail "the resubmitted task failed or timed out (sbatch --wait exit $?)"
rerun_log=$work/logs/rerun-${rerun%%;*}_2.out
sed 's/^/  rerun task 2: /' "$rerun_log"
grep -q "^generated 0 patterns.*kept from the earlier run" "$rerun_log" || fail "the resubmitted task did not resume"
say "array job $jobid done after $(elapsed); sbatch --wait: merge.sbatch with --dependency=afterok:$jobid"
(cd "$work" && timeout 120 sbatch --wait --parsable --dependency=afterok:"$jobid" --mem=512M --time=5 \
   --output="$work/logs/merge-%j.out" "$here/merge.sbatch" "$out" >/dev/null) \
  || fail "the merge job failed or timed out (sbatch --wait exit $?)"
sed 's/^/  merge: /' "$work"/logs/merge-*.out

# --- 4. the same config on one machine, and the comparison ------------------------------------------------------
single=$work/single
"$bin" generate --config "$config" --output "$single" --threads 2 --quiet >"$work/logs/single.out" 2>&1 \
  || fail "the single-machine run failed"
sed 's/^/  single machine: /' "$work/logs/single.out"

(cd "$out" && find . -type f | sort) >"$work/files.cluster"
(cd "$single" && find . -type f | sort) >"$work/files.single"
diff -u "$work/files.single" "$work/files.cluster" >&2 || fail "the merged corpus and the single run hold different files"
python3 - "$out" <<'EOF' || fail "the merged manifest.json does not match the files"
import hashlib, json, os, sys
root = sys.argv[1]
m = json.load(open(os.path.join(root, "manifest.json")))
assert m.get("selection") is None, "merged manifest still has a shard selection"
listed = list(m["files"]) + [f for s in m["shards"] for f in s["files"]]
for f in listed:
    data = open(os.path.join(root, f["path"]), "rb").read()
    assert len(data) == f["bytes"], f"{f['path']}: {len(data)} bytes, manifest says {f['bytes']}"
    assert hashlib.sha256(data).hexdigest() == f["sha256"], f"{f['path']}: SHA-256 differs from the manifest"
on_disk = {os.path.relpath(os.path.join(d, n), root) for d, _, ns in os.walk(root) for n in ns} - {"manifest.json"}
assert on_disk == {f["path"] for f in listed}, f"files not in the manifest: {sorted(on_disk - {f['path'] for f in listed})}"
assert [s["shard"] for s in m["shards"]] == list(range(m["shard_count"])), "shards missing"
print(f"  manifest: {m['patterns']} patterns, {m['shard_count']} shards, {len(listed)} files, sizes and SHA-256 check out")
EOF
n=0
differ=()
while IFS= read -r f; do
  cmp -s "$single/$f" "$out/$f" || differ+=("$f")
  n=$((n + 1))
done <"$work/files.single"
if [ ${#differ[@]} -gt 0 ]; then
  printf '  differs: %s\n' "${differ[@]}" >&2
  case " ${differ[*]}" in
    *.h5*) echo "  (.h5 files that differ between runs of one config, made seconds apart, usually hold HDF5 object" \
                "modification times: datasets created without H5Pset_obj_track_times(dcpl, 0); manifest.json" \
                "then differs through their SHA-256)" >&2 ;;
  esac
  fail "${#differ[@]} of $n files differ between the merged corpus and the single-machine run"
fi
say "PASSED: $n files byte-identical between the Slurm run (array of $tasks + merge) and the single-machine run, in $(elapsed)"
