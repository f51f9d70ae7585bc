import * as vscode from 'vscode';

/**
 * The JSON object in the query of one of Shepherd's virtual-document URIs. `kind` names the URI in the
 * error ("a Shepherd git URI"), since a URI pasted or restored by hand can hold anything.
 */
export function readJsonQuery(uri: vscode.Uri, kind: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(uri.query);
  } catch (error) {
    throw new Error(`${uri.toString()} is not ${kind}: its query is not JSON (${String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${uri.toString()} is not ${kind}: its query is not an object`);
  }
  return value as Record<string, unknown>;
}
