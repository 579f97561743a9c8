#!/bin/sh
# One shard of a lockstep campaign, as a scheduler starts it: a Kubernetes Indexed Job pod
# (kubernetes/campaign-job.yaml) or a Slurm array task (slurm/campaign.sbatch). The shard's
# index comes from the scheduler (JOB_COMPLETION_INDEX, or SLURM_ARRAY_TASK_ID minus
# SLURM_ARRAY_TASK_MIN); `lockstep campaign --shards` reads it (harness/cli/shard.h).
#
# Environment:
#   LOCKSTEP_CAMPAIGN_ID    required: the id every shard of the campaign shares (the seed space
#                           is derived from it, so the shards never run the same seed)
#   LOCKSTEP_SHARDS         required: the number of shards
#   LOCKSTEP_REPORTS        where reports go (default /reports): REPORTS/ID/shard-I.json
#   LOCKSTEP_DURATION       the time box (default 8h)
#   LOCKSTEP_CAMPAIGN_ARGS  more `lockstep campaign` options (e.g. "--jobs 4 --protocol resync")
#   LOCKSTEP                the lockstep binary (default: lockstep on PATH)
#
# Exit status: 0 when the shard's report is written, whatever it found (exit 1 of the campaign:
# a property failed; the merge step's verdict says so, and a scheduler must not retry a shard
# for finding a bug); the campaign's own status otherwise (2 environment error, 3 interrupted).
set -eu
: "${LOCKSTEP_CAMPAIGN_ID:?set LOCKSTEP_CAMPAIGN_ID: the id every shard of the campaign shares}"
: "${LOCKSTEP_SHARDS:?set LOCKSTEP_SHARDS: the number of shards}"
index="${JOB_COMPLETION_INDEX:-${SLURM_ARRAY_TASK_ID:?no JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID: run under a scheduler}}"
out="${LOCKSTEP_REPORTS:-/reports}/$LOCKSTEP_CAMPAIGN_ID"
mkdir -p "$out"
status=0
# shellcheck disable=SC2086  # LOCKSTEP_CAMPAIGN_ARGS is a list of options
"${LOCKSTEP:-lockstep}" campaign --duration "${LOCKSTEP_DURATION:-8h}" \
  --shards "$LOCKSTEP_SHARDS" --campaign-id "$LOCKSTEP_CAMPAIGN_ID" \
  --report-dir "$out/shard-$index" --report "$out/shard-$index.json" \
  ${LOCKSTEP_CAMPAIGN_ARGS:-} || status=$?
[ "$status" -eq 1 ] && exit 0
exit "$status"
