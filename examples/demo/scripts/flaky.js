// Starts, works for a moment, then crashes: Shepherd restarts it with backoff until the crash-loop limit.
console.log('flaky worker starting');
setTimeout(() => console.log('doing some work...'), 300);
setTimeout(() => {
  console.error('Error: lost the connection to the queue');
  process.exit(1);
}, 1200);
