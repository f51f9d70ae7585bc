/**
 * `npm run bench`: runs every scenario (or those in BENCH_ONLY), writes bench/results/latest.json
 * and latest.md, and prints the table. Every process the run starts carries a marker variable;
 * after each scenario, and at the very end, whatever still carries it is reported and killed.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { BenchConfig, readConfig } from './config';
import { RUN_MARKER_VAR } from '../test/helpers/processes';
import { findRunProcesses, killRunProcesses, newMarker } from './orphans';
import { RESULTS_DIR } from './paths';
import { disposeAllPm2 } from './pm2';
import { BenchResults, ScenarioReport, toMarkdown, writeResults } from './report';
import { acpScenario } from './scenarios/acp';
import { activationScenario } from './scenarios/activation';
import { fleetScenario } from './scenarios/fleet';
import { floodScenario } from './scenarios/flood';
import { idleScenario } from './scenarios/idle';
import { Scenario } from './scenarios/scenario';
import { sentinelScenario } from './scenarios/sentinel';
import { sessionsScenario } from './scenarios/sessions';
import { startManyScenario } from './scenarios/startMany';
import { stopStubbornScenario } from './scenarios/stopStubborn';
import { sweepScenario } from './scenarios/sweep';

const SCENARIOS: readonly Scenario[] = [
  stopStubbornScenario,
  startManyScenario,
  floodScenario,
  idleScenario,
  sweepScenario,
  sessionsScenario,
  activationScenario,
  sentinelScenario,
  fleetScenario,
  acpScenario,
];

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function runScenario(scenario: Scenario, config: BenchConfig, runMarker: string): Promise<ScenarioReport> {
  const startedAt = performance.now();
  const problems: string[] = [];
  let outcome: Awaited<ReturnType<Scenario['run']>> | undefined;
  let error: string | undefined;
  try {
    outcome = await scenario.run(config, problems);
  } catch (caught) {
    // One failed scenario is reported in the results; the others still run.
    error = describeError(caught);
    console.error(`scenario ${scenario.number} failed: ${error}`);
  }
  // Cleanup check: hosts and pm2 daemons are gone by now, so anything marked is a leak.
  const leftover = await findRunProcesses(runMarker);
  if (leftover.length > 0) {
    await killRunProcesses(runMarker);
    problems.push(
      `bench: ${leftover.length} marked process(es) were alive after the scenario and were SIGKILLed: ${leftover.join(', ')}`,
    );
  }
  return {
    number: scenario.number,
    title: scenario.title,
    rows: outcome?.rows ?? [],
    notes: outcome?.notes ?? [],
    problems,
    leftoverProcesses: leftover.length,
    durationS: (performance.now() - startedAt) / 1_000,
    ...(error === undefined ? {} : { error }),
    ...(outcome?.details === undefined ? {} : { details: outcome.details }),
  };
}

/** Ctrl-C or a kill of the run still kills pm2's daemons and every marked process. */
function cleanUpOnSignals(runMarker: string): void {
  const onSignal = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: cleaning up before exiting…`);
    void Promise.allSettled([disposeAllPm2()])
      .then(() => killRunProcesses(runMarker))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

async function main(): Promise<void> {
  const config = readConfig();
  const unknown = [...(config.only ?? [])].filter((n) => !SCENARIOS.some((scenario) => scenario.number === n));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY names no scenario ${unknown.join(', ')}: there are ${SCENARIOS.length}`);
  }
  const runMarker = newMarker('run');
  // Inherited by every host, agent, worker, pm2 CLI and pm2 daemon the run starts.
  process.env[RUN_MARKER_VAR] = runMarker;
  cleanUpOnSignals(runMarker);
  const startedAt = new Date();
  const reports: ScenarioReport[] = [];
  let finalLeftover: number[] = [];
  try {
    for (const scenario of SCENARIOS) {
      if (config.only && !config.only.has(scenario.number)) {
        continue;
      }
      console.log(`▶ ${scenario.number}. ${scenario.title}`);
      const report = await runScenario(scenario, config, runMarker);
      console.log(
        `  done in ${report.durationS.toFixed(1)} s${report.error ? ' (FAILED)' : ''}; marked processes left: ${report.leftoverProcesses}`,
      );
      reports.push(report);
    }
  } finally {
    await disposeAllPm2();
    finalLeftover = await killRunProcesses(runMarker);
  }
  const cpus = os.cpus();
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: config.quick,
    machine: {
      node: process.version,
      platform: `${process.platform} ${os.release()}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      memoryGB: Math.round(os.totalmem() / 1e9),
    },
    config: { ...config, only: config.only ? [...config.only] : null },
    scenarios: reports,
    finalLeftoverProcesses: finalLeftover.length,
  };
  const written = await writeResults(RESULTS_DIR, results);
  console.log('');
  console.log(toMarkdown(results));
  console.log(`Wrote ${written.json} and ${written.markdown}`);
  if (reports.some((r) => r.error) || finalLeftover.length > 0) {
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(describeError(error));
  process.exitCode = 1;
});
