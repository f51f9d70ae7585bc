import * as l10n from '@vscode/l10n';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errnoCode } from '../../../shared/untrusted';

/** An agent's request for a path Shepherd will not touch; the message says why. */
export class SandboxRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxRefusal';
  }
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Keeps an agent's file and terminal requests inside the session's folder. A path is refused when it
 * names `..` anywhere, lies outside the folder, or resolves (through symlinks, its own or a parent's)
 * to a place outside it: checked on the real paths, so a link planted inside the folder cannot lead out.
 */
export class WorkspaceSandbox {
  private realRoot: Promise<string> | undefined;

  constructor(readonly root: string) {}

  /** The real path of `requested`, which exists or whose nearest existing parent lies inside the folder. */
  async resolve(requested: unknown): Promise<string> {
    if (typeof requested !== 'string' || requested === '' || requested.includes('\0')) {
      throw new SandboxRefusal(l10n.t('the path must be a non-empty string'));
    }
    if (requested.split(/[\\/]/).includes('..')) {
      throw new SandboxRefusal(
        l10n.t('"{0}" contains "..": paths must not climb out of the session\'s folder', requested),
      );
    }
    const absolute = path.resolve(this.root, requested);
    if (!isInside(this.root, absolute)) {
      throw new SandboxRefusal(l10n.t('"{0}" is outside the session\'s folder {1}', requested, this.root));
    }
    const realRoot = await this.rootReal();
    const real = await this.realOf(absolute);
    if (!isInside(realRoot, real)) {
      throw new SandboxRefusal(l10n.t('"{0}" leads outside the session\'s folder through a symbolic link', requested));
    }
    return real;
  }

  private rootReal(): Promise<string> {
    this.realRoot ??= fs.realpath(this.root);
    return this.realRoot;
  }

  /** The real path of a file, or of its nearest existing parent joined with the rest for a new file. */
  private async realOf(absolute: string): Promise<string> {
    const missing: string[] = [];
    let current = absolute;
    for (;;) {
      try {
        return path.join(await fs.realpath(current), ...missing.reverse());
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') {
          throw error;
        }
        await this.refuseDanglingLink(current);
        const parent = path.dirname(current);
        if (parent === current) {
          throw error;
        }
        missing.push(path.basename(current));
        current = parent;
      }
    }
  }

  /** A link whose target does not exist yet would be created wherever it points: refused outright. */
  private async refuseDanglingLink(file: string): Promise<void> {
    const stat = await fs.lstat(file).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') {
        return undefined;
      }
      throw error;
    });
    if (stat?.isSymbolicLink()) {
      throw new SandboxRefusal(l10n.t('"{0}" is a symbolic link to a file that does not exist', file));
    }
  }
}
