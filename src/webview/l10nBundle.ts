import * as l10n from '@vscode/l10n';

/**
 * Loads the translations the extension put in the page (only when VS Code runs in another language
 * than English), before any l10n.t of the page runs: import this module first. No bundle: English.
 */
const BUNDLE_ELEMENT_ID = 'shepherd-l10n';

const element = document.getElementById(BUNDLE_ELEMENT_ID);
if (element?.textContent) {
  l10n.config({ contents: element.textContent });
}
