import * as assert from 'node:assert/strict';
import { AgentCliAdapter } from './agentCliSuite';

/**
 * How every ACP agent of the suite resumes: the new process is started as the first was, and Shepherd
 * reloads the conversation with `session/load` (each advertises `loadSession`).
 */
export const acpResume: AgentCliAdapter['resume'] = {
  how: 'through session/load',
  check({ request, transcript }) {
    assert.doesNotMatch(transcript, /(could not|cannot) reload/, 'session/load carried the conversation over');
    // The new process sent the earlier exchange along. The cut-off "second" is kept or lost with the
    // agent's own session file, depending on whether it was saved before the kill.
    const userTexts = (request?.userTexts ?? []).filter((t) => t !== 'second');
    assert.deepEqual(userTexts, ['first', 'third']);
    assert.equal(request?.assistantTexts[0], 'first answer');
  },
};
