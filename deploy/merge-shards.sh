#!/bin/sh
# The merge step of a sharded campaign: every shard report of campaign LOCKSTEP_CAMPAIGN_ID in
# LOCKSTEP_REPORTS (default /reports) merged into REPORTS/ID/campaign.json. `lockstep report
# merge` refuses a shard given twice and names the shards that are missing; its exit status
# is the campaign's verdict (0 passed, 1 a property failed, 2 error).
set -eu
: "${LOCKSTEP_CAMPAIGN_ID:?set LOCKSTEP_CAMPAIGN_ID: the campaign to merge}"
out="${LOCKSTEP_REPORTS:-/reports}/$LOCKSTEP_CAMPAIGN_ID"
exec "${LOCKSTEP:-lockstep}" report merge "$out/campaign.json" "$out"/shard-*.json
