import { describeAgentCli } from './agentCliSuite';
import { claudeAcp } from './claudeAcpAdapter';
import { claudeCli } from './claudeCliAdapter';
import { codexAcp } from './codexAcpAdapter';
import { geminiCli } from './geminiCliAdapter';
import { piCli } from './piCliAdapter';

// Every agent CLI Shepherd drives, through the same scenarios against its own mock model server.
for (const adapter of [claudeCli, piCli, geminiCli, codexAcp, claudeAcp]) {
  describeAgentCli(adapter);
}
