import * as l10n from '@vscode/l10n';
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
      throw new Error(l10n.t('invalid session id {0}', JSON.stringify(id)));
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

  /** Every readable stored session, oldest first; unreadable files are reported by name and skipped. */
  async loadAll(): Promise<{ sessions: StoredSession[]; problems: string[] }> {
    const sessions: StoredSession[] = [];
    const problems: string[] = [];
    for (const id of await this.ids()) {
      try {
        sessions.push(await this.load(id));
      } catch (error) {
        problems.push(`${id}.json: ${describeError(error)}`);
      }
    }
    return { sessions: sessions.sort((a, b) => a.createdAt - b.createdAt), problems };
  }

  /** The ids of the stored sessions, most recently saved first, at most `limit` of them. */
  async recentIds(limit: number): Promise<string[]> {
    const dated = await Promise.all(
      (await this.ids()).map(async (id) => {
        try {
          return { id, mtimeMs: (await fs.stat(this.fileOf(id))).mtimeMs };
        } catch (error) {
          // Closed and pruned between the listing and the stat: not an error, just gone.
          if (errnoCode(error) === 'ENOENT') {
            return undefined;
          }
          throw error;
        }
      }),
    );
    return dated
      .filter((entry) => entry !== undefined)
      .sort((a, b) => b.mtimeMs - a.mtimeMs)
      .slice(0, limit)
      .map((entry) => entry.id);
  }

  /** One stored session; rejects with the reason when it is missing or not a valid transcript. */
  async load(id: string): Promise<StoredSession> {
    return TranscriptStore.parse(await this.loadText(id));
  }

  /** A stored session's file as it is, for a search to skip one that cannot match before parsing it. */
  loadText(id: string): Promise<string> {
    return fs.readFile(this.fileOf(id), 'utf8');
  }

  /** The session in a file's text; throws with the reason when it is not a valid transcript. */
  static parse(text: string): StoredSession {
    const parsed = parseStoredSession(JSON.parse(text));
    if (!parsed.ok) {
      throw new Error(parsed.reason);
    }
    return parsed.session;
  }

  /** Session ids that name files here (a file with another name is none of Shepherd's). */
  private async ids(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        return [];
      }
      throw error;
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((id) => SESSION_ID.test(id));
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.fileOf(id), { force: true });
  }
}
