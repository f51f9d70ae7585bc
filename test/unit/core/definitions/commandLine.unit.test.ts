import * as assert from 'node:assert/strict';
import { CommandLine, parseCommandLine } from '../../../../src/core/definitions/commandLine';

function split(line: string): CommandLine {
  const result = parseCommandLine(line);
  assert.ok(result.ok, `expected ${JSON.stringify(line)} to parse`);
  return result.value;
}

function errorOf(line: string): string {
  const result = parseCommandLine(line);
  assert.ok(!result.ok, `expected ${JSON.stringify(line)} to be rejected`);
  return result.errors.join('; ');
}

describe('parseCommandLine', () => {
  it('splits plain words on spaces and tabs', () => {
    assert.deepEqual(split('  npm   run\tdev  '), { command: 'npm', args: ['run', 'dev'], shell: false });
  });

  it('keeps single-quoted text literal, backslashes and dollars included', () => {
    assert.deepEqual(split(`echo 'a  b' '$HOME \\n'`), { command: 'echo', args: ['a  b', '$HOME \\n'], shell: false });
  });

  it('honours escapes in double quotes only before $ ` " \\', () => {
    assert.deepEqual(split(`printf "say \\"hi\\" \\\\ \\n"`), {
      command: 'printf',
      args: ['say "hi" \\ \\n'],
      shell: false,
    });
  });

  it('lets a backslash outside quotes escape the next character', () => {
    assert.deepEqual(split('touch my\\ file \\|pipe'), { command: 'touch', args: ['my file', '|pipe'], shell: false });
  });

  it('joins adjacent quoted and unquoted parts into one word and keeps empty quoted words', () => {
    assert.deepEqual(split(`node -e "console.log(1)"x '' ""`), {
      command: 'node',
      args: ['-e', 'console.log(1)x', '', ''],
      shell: false,
    });
  });

  it('treats operators inside quotes as text', () => {
    assert.equal(split(`grep 'a|b' "x > y; z && w"`).shell, false);
  });

  for (const line of [
    'npm test | tee log',
    'make && make install',
    'a; b',
    'server > out.log',
    'sort < in',
    'echo $(date)',
    'echo `date`',
    'echo $HOME',
    'echo "$HOME"',
    'ls *.ts',
    'sleep 1 &',
    'cat ~/notes',
    'PORT=3000 node server.js',
    'run # a comment',
  ]) {
    it(`hands ${JSON.stringify(line)} to a shell, whole`, () => {
      assert.deepEqual(split(line), { command: line, args: [], shell: true });
    });
  }

  it('does not take a # inside a word, a lone $ or a ~ inside a word for shell syntax', () => {
    assert.deepEqual(split('curl a#b 5$ x~y'), { command: 'curl', args: ['a#b', '5$', 'x~y'], shell: false });
  });

  it('rejects empty lines, unclosed quotes and a trailing backslash', () => {
    assert.match(errorOf('   '), /empty/);
    assert.match(errorOf(`echo 'open`), /single quote is never closed/);
    assert.match(errorOf('echo "open'), /double quote is never closed/);
    assert.match(errorOf('echo \\'), /lone backslash/);
    assert.match(errorOf(`'' arg`), /command is an empty string/);
  });
});
