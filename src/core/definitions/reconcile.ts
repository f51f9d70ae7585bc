import { WorkerDefinition } from './workerDefinition';

/** How a newly read list of definitions differs from the one applied before. */
export interface DefinitionDiff {
  /** In the new list only. */
  readonly added: readonly WorkerDefinition[];
  /** Ids in the old list only. */
  readonly removed: readonly string[];
  /** In both, with a different definition (the new one is given). */
  readonly changed: readonly WorkerDefinition[];
}

/** Definitions are plain data built in a fixed key order, so equal JSON means an equal definition. */
function same(a: WorkerDefinition, b: WorkerDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Compares two lists of definitions by id; the order within each list does not matter. */
export function diffDefinitions(
  previous: readonly WorkerDefinition[],
  next: readonly WorkerDefinition[],
): DefinitionDiff {
  const before = new Map(previous.map((definition) => [definition.id, definition]));
  const after = new Set(next.map((definition) => definition.id));
  const added: WorkerDefinition[] = [];
  const changed: WorkerDefinition[] = [];
  for (const definition of next) {
    const old = before.get(definition.id);
    if (!old) {
      added.push(definition);
    } else if (!same(old, definition)) {
      changed.push(definition);
    }
  }
  const removed = previous.filter((definition) => !after.has(definition.id)).map((definition) => definition.id);
  return { added, removed, changed };
}
