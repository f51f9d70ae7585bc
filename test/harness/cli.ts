// The shared ending of the harness's command-line entry points (npm test, npm start, the runners).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Runs `main` and sets the exit code from its result; an error is printed with its stack and exits 1. */
export function runMain(tag: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      process.stderr.write(`[${tag}] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/** Files under `dir` (recursively) whose names end with `suffix`, sorted so runs are repeatable. */
export function findFiles(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findFiles(full, suffix));
    } else if (entry.isFile() && entry.name.endsWith(suffix)) {
      found.push(full);
    }
  }
  return found.sort();
}
