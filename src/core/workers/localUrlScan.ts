import { stripAnsi } from '../output/ansi';
import { WorkerRecord } from './workerRecord';

/** Distinct URLs kept per worker: a dev server prints one or two (local, network); more is noise. */
export const MAX_LOCAL_URLS = 3;
/** Bounds the scan per tick so a flood cannot make one tick expensive; URLs come early, rarely in floods. */
export const URL_SCAN_MAX_LINES = 1_000;
/** Longer than any address a dev server prints; a longer match is cut off rather than kept whole. */
const MAX_URL_CHARS = 300;

/**
 * An http(s) URL on this machine: localhost, 127.0.0.1, 0.0.0.0 or [::1], with an optional port and
 * path, but not a longer host name (localhost.example.com). The path stops at whitespace, quotes and
 * angle brackets, which never belong to a printed URL.
 */
const LOCAL_URL =
  /\bhttps?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d{1,5})?(?![\w-]|\.[\w-])(?:[/?#][^\s"'<>`]*)?/gi;
/** Punctuation that ends a sentence around a URL ("see http://localhost:3000.") rather than the URL. */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

/**
 * The local URLs in one line of output, as they can be opened: 0.0.0.0 (listen on every interface) is
 * not an address a browser may open, so it becomes localhost.
 */
export function findLocalUrls(line: string): string[] {
  if (!line.includes('://')) {
    return [];
  }
  const found: string[] = [];
  for (const match of stripAnsi(line).matchAll(LOCAL_URL)) {
    const url = match[0].replace(TRAILING_PUNCTUATION, '').slice(0, MAX_URL_CHARS);
    found.push(url.replace(/^(https?:\/\/)0\.0\.0\.0/i, '$1localhost'));
  }
  return found;
}

/**
 * Finds the local URLs a worker printed (a dev server's "Local: http://localhost:5173/"), so its row
 * can offer Open in Browser. Run once per tick over the lines printed since the previous tick; each
 * worker keeps its MAX_LOCAL_URLS most recently printed distinct URLs, newest first.
 */
export class LocalUrlScanner {
  /** `changed` publishes a worker whose URLs changed. */
  constructor(private readonly changed: (record: WorkerRecord) => void) {}

  scan(records: Iterable<WorkerRecord>): void {
    for (const record of records) {
      const scannedUpTo = record.urlScannedSeq;
      record.urlScannedSeq = record.output.lastSeq;
      if (record.urlScannedSeq === scannedUpTo) {
        continue;
      }
      const urls = [...record.localUrls];
      for (const line of record.output.linesBetween(scannedUpTo, record.urlScannedSeq, URL_SCAN_MAX_LINES)) {
        for (const url of findLocalUrls(line.text)) {
          const known = urls.indexOf(url);
          if (known >= 0) {
            urls.splice(known, 1);
          }
          urls.unshift(url);
        }
      }
      const next = urls.slice(0, MAX_LOCAL_URLS);
      if (next.join('\n') !== record.localUrls.join('\n')) {
        record.localUrls = next;
        this.changed(record);
      }
    }
  }
}
