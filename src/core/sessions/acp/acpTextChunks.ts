import * as l10n from '@vscode/l10n';
import type { SessionNotification } from '@agentclientprotocol/sdk';
import { FieldReader, isObject, UntrustedObject } from '../../../shared/untrusted';

/**
 * What Shepherd made of a `session/update`'s params without the SDK: a text chunk it read in full, a
 * text chunk with a bad field (the reasons name each one), or another update, which the SDK reads.
 */
export type TextChunkRead =
  | { readonly kind: 'chunk'; readonly notification: SessionNotification }
  | { readonly kind: 'bad'; readonly reasons: readonly string[] }
  | { readonly kind: 'other' };

const OTHER: TextChunkRead = { kind: 'other' };

/** Optional fields ACP allows on the notification, the update and the content block, and their kinds. */
function checkOptional(reader: FieldReader, raw: UntrustedObject, objects: readonly string[]): void {
  for (const key of objects) {
    const value = raw[key];
    if (value !== undefined && value !== null && !isObject(value)) {
      reader.fail(key, l10n.t('must be an object or null'));
    }
  }
}

/**
 * Reads an `agent_message_chunk` or `agent_thought_chunk` whose content is a text block: almost every
 * update an agent sends while it streams. The SDK checks each message against its whole schema (twice:
 * once for its session router, once for the handler), which cost more than everything else on the way
 * to the panel; this checks the fields Shepherd reads and the kind of each optional one ACP defines.
 * A chunk with other content (an image, a resource) and every other update go to the SDK as before.
 */
export function readTextChunk(params: UntrustedObject): TextChunkRead {
  const update = params.update;
  if (!isObject(update)) {
    return OTHER;
  }
  const kind = update.sessionUpdate;
  if (kind !== 'agent_message_chunk' && kind !== 'agent_thought_chunk') {
    return OTHER;
  }
  const content = update.content;
  if (isObject(content) && content.type !== 'text') {
    return OTHER;
  }
  const reader = new FieldReader(params);
  const sessionId = reader.requiredString('sessionId');
  checkOptional(reader, params, ['_meta']);
  const updateReader = reader.nested(update, 'update.');
  checkOptional(updateReader, update, ['_meta']);
  const messageId = update.messageId;
  if (messageId !== undefined && messageId !== null && typeof messageId !== 'string') {
    updateReader.fail('messageId', l10n.t('must be a string or null'));
  }
  if (!isObject(content)) {
    updateReader.fail('content', l10n.t('must be a content block'));
    return { kind: 'bad', reasons: reader.errors };
  }
  const contentReader = reader.nested(content, 'update.content.');
  checkOptional(contentReader, content, ['_meta', 'annotations']);
  const text = contentReader.required('text') ? contentReader.text('text') : undefined;
  if (reader.errors.length > 0 || sessionId === undefined || text === undefined) {
    return { kind: 'bad', reasons: reader.errors };
  }
  return {
    kind: 'chunk',
    notification: { sessionId, update: { sessionUpdate: kind, content: { type: 'text', text } } },
  };
}
