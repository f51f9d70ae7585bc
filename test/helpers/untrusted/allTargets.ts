import * as assert from 'node:assert/strict';
import { ParserTarget } from './parserTarget';
import { claudeLines, jsonLines, lineLines, piLines } from './protocolTargets';
import { agentEntries, procfiles, settingsEntries, settingsLists } from './settingsTargets';
import { statusFile, storedTranscripts } from './storedTargets';
import { webviewMessages } from './webviewTargets';

/** Every parser of untrusted input in Shepherd. A new parser belongs here, and so gets fuzzed. */
export const PARSER_TARGETS: readonly ParserTarget[] = [
  claudeLines,
  piLines,
  lineLines,
  jsonLines,
  settingsEntries,
  settingsLists,
  agentEntries,
  statusFile,
  storedTranscripts,
  webviewMessages,
  procfiles,
];

export function targetNamed(name: string): ParserTarget {
  const found = PARSER_TARGETS.find((t) => t.name === name);
  assert.ok(found, `no parser target named ${name}`);
  return found;
}
