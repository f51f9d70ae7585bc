import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeError } from '../../base/logger';
import { maskValues } from '../../base/secrets';
import { parseStoredSession, SESSION_ID, StoredSession } from './storedSession';
import { errnoCode } from '../../../shared/untrusted';

/** Transcripts hold what the user and the agent said: only the user may read them. */
const FILE_MODE = 0o600;

/**
 * Saves each session's transcript as one JSON file, atomically, with the agent's env values masked,
 * so neither a reload nor a crash mid-write loses the conversation or leaks a key.
 */
export class TranscriptStore {
  constructor(readonly dir: string) {}

  private fileOf(id: string): string {
    if (!SESSION_ID.test(id)) {
      throw new Error(`invalid session id ${JSON.stringify(id)}`);
    }
    return path.join(this.dir, `${id}.json`);
  }

  async save(session: StoredSession, secrets: Iterable<string>): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = this.fileOf(session.id);
    const temp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temp, maskValues(JSON.stringify(session), secrets), { mode: FILE_MODE });
    await fs.chmod(temp, FILE_MODE);
    await fs.rename(temp, file);
  }

  /** Every readable stored session; unreadable files are reported by name and skipped. */
  async loadAll(): Promise<{ sessions: StoredSession[]; problems: string[] }> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        return { sessions: [], problems: [] };
      }
      throw error;
    }
    const sessions: StoredSession[] = [];
    const problems: string[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const parsed = parseStoredSession(JSON.parse(await fs.readFile(path.join(this.dir, name), 'utf8')));
        if (parsed.ok) {
          sessions.push(parsed.session);
        } else {
          problems.push(`${name}: ${parsed.reason}`);
        }
      } catch (error) {
        problems.push(`${name}: ${describeError(error)}`);
      }
    }
    return { sessions: sessions.sort((a, b) => a.createdAt - b.createdAt), problems };
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.fileOf(id), { force: true });
  }
}
