// A stand-in for a dev server: serves on a free loopback port and logs every request and a heartbeat.
const http = require('node:http');

const server = http.createServer((request, response) => {
  console.log(`${new Date().toISOString()} ${request.method} ${request.url}`);
  response.end('hello from the Shepherd demo dev server\n');
});
server.listen(0, '127.0.0.1', () => {
  console.log(`\x1b[32mready\x1b[0m - listening on http://127.0.0.1:${server.address().port}`);
});
let tick = 0;
setInterval(() => console.log(`compiled ${++tick} module(s) in ${20 + (tick % 7) * 3} ms`), 3000);
process.on('SIGTERM', () => {
  console.log('SIGTERM received, closing the server');
  server.close(() => process.exit(0));
});
