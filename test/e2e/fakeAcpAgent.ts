// The scripted ACP agent of test/fixtures/acp as the e2e workbench's user configures it.
import { fixture } from '../helpers/processes';

export const FAKE_ACP_LABEL = 'Fake ACP agent';
/** The file the agent's "edit" turn writes in the demo workspace; the spec removes it afterwards. */
export const ACP_E2E_FILE = 'acp-e2e-notes.txt';

export function fakeAcpAgentSetting(): Record<string, unknown> {
  return {
    id: 'fake-acp-e2e',
    label: FAKE_ACP_LABEL,
    kind: 'acp',
    command: process.execPath,
    args: [fixture('acp/fake-acp-agent.js')],
    env: { FAKE_ACP_EDIT_FILE: ACP_E2E_FILE },
  };
}
