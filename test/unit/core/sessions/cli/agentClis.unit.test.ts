import { describeAgentCli } from './agentCliSuite';
import { claudeCli } from './claudeCliAdapter';
import { piCli } from './piCliAdapter';

// Every agent CLI Shepherd drives, through the same scenarios against its own mock model server.
for (const adapter of [claudeCli, piCli]) {
  describeAgentCli(adapter);
}
