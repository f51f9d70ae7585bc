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
    throw new Error(vscode.l10n.t('{0} is not {1}: its query is not JSON ({2})', uri.toString(), kind, String(error)));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(vscode.l10n.t('{0} is not {1}: its query is not an object', uri.toString(), kind));
  }
  return value as Record<string, unknown>;
}
