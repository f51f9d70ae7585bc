// A stand-in for a training job on a GPU box: a data-loader child in the same process group, and one
// progress line per second. A remote Stop from the Fleet view must end both.
const { spawn } = require('node:child_process');

const loader = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log(`train: data loader started (pid ${loader.pid})`);
let epoch = 0;
setInterval(() => {
  epoch++;
  console.log(`epoch ${epoch}: loss ${(2 / Math.sqrt(epoch)).toFixed(4)}`);
}, 1000);
process.on('SIGTERM', () => {
  console.log('train: SIGTERM, saving a checkpoint and leaving');
  loader.kill('SIGTERM');
  process.exit(0);
});
