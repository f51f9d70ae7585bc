#!/bin/sh
# Ignores SIGTERM and keeps two children: only SIGKILL to the whole process group ends it, after the
# grace period. Stopping it shows the asynchronous kill: the editor keeps answering meanwhile.
trap '' TERM
sleep 1000 &
sleep 1000 &
echo "stubborn worker: ignoring SIGTERM, children $(jobs -p | tr '\n' ' ')"
while true; do
  echo "still here at $(date +%T)"
  sleep 2
done
