import * as assert from 'node:assert/strict';
import { AgentConfig, defaultAgents } from '../../../../src/core/sessions/agentConfig';
import { orderAgentChoices } from '../../../../src/ui/sessions/agentChoice';

/** claude, pi, gemini, codex, claude-acp, demo: the built-in list, in its order. */
const agents: readonly AgentConfig[] = defaultAgents({ nodePath: '/usr/bin/node', script: '/x/demo-agent.js' });

function rows(installed: string[], lastUsed: string | undefined): string[] {
  return orderAgentChoices(agents, new Set(installed), lastUsed).map(
    (choice) => `${choice.agent.id}${choice.installed ? '' : ' (missing)'}${choice.isDefault ? ' *' : ''}`,
  );
}

describe('the agent picker order', () => {
  it('starts on the demo when nothing else is installed, and lists the missing agents after it', () => {
    assert.deepEqual(rows(['demo'], undefined), [
      'demo *',
      'claude (missing)',
      'pi (missing)',
      'gemini (missing)',
      'codex (missing)',
      'claude-acp (missing)',
    ]);
  });

  it('puts installed agents first, starting on the last one used', () => {
    assert.deepEqual(rows(['demo', 'gemini', 'pi'], 'gemini'), [
      'gemini *',
      'pi',
      'demo',
      'claude (missing)',
      'codex (missing)',
      'claude-acp (missing)',
    ]);
    assert.deepEqual(rows(['demo', 'gemini', 'pi'], 'demo').slice(0, 3), ['demo *', 'pi', 'gemini']);
  });

  it('never starts on an agent that is not installed, even if it was the last one used', () => {
    assert.deepEqual(rows(['demo', 'pi'], 'claude').slice(0, 3), ['pi *', 'demo', 'claude (missing)']);
    assert.deepEqual(rows(['demo'], 'claude')[0], 'demo *');
  });

  it('has no default when no agent at all is installed, and forgets a last-used id no longer configured', () => {
    assert.ok(orderAgentChoices(agents, new Set(), 'demo').every((choice) => !choice.isDefault));
    assert.deepEqual(rows(['demo', 'claude'], 'removed-agent').slice(0, 2), ['claude *', 'demo']);
  });
});
