// Owns turning one table's span into backup data files: export pages read at
// the layer's end time (latest only, changes since startTs, or every
// revision) go into data-file writers, cut at dataFileTargetBytes, with the
// table's row / index-entry / byte counts. The same loop runs on the main
// thread (memory stores) and in the export worker (LMDB stores,
// export-worker.ts), so it only sees a page source and an output:
// - ExportSource: the store's export pages (or the worker's own reader).
// - ExportOutput: where files go. openFile/closeFile/abortFile are called in
//   order, at most one file open at a time; progress is called about once a
//   second with the fraction of the table's live bytes done; pause is called
//   between pages and may throw to stop (pause, cancel, shutdown).
// Invariants: entries reach the writer in key order (export pages are);
// a file is recorded only after its last byte and summary were accepted; on
// any error the open file is aborted before the error propagates.

import type { ExportPage, ExportRequest, ExportVisitor, ExportVisitPage } from '../storage/mvcc-export.js';
import type { Timestamp } from '../util/hlc.js';
import { hasPrefixAt } from '../util/bytes.js';
import { newDataFileWriter, type DataFileSink, type DataFileSummary } from './data-file.js';
import type { EncryptionKey } from './encryption.js';
import type { TableStats } from './manifest.js';

/** Data files are cut at this size (uncompressed) so no one file grows without bound. */
export const dataFileTargetBytes = 128 * 1024 * 1024;
/** Keys one export page reads (a page is synchronous work). */
export const exportPageKeys = 256;
/** How often the loop reports progress. */
export const exportProgressIntervalMs = 1_000;

export interface ExportSource {
  exportPage(req: ExportRequest): ExportPage;
  exportVisitPage(req: ExportRequest, visit: ExportVisitor): ExportVisitPage;
}

export interface ExportOutput {
  /** Opens the next data file of the table; its bytes go to the returned sink. */
  openFile(): Promise<DataFileSink>;
  /** The open file is complete: every byte was written to its sink. */
  closeFile(sum: DataFileSummary, stats: TableStats): Promise<void>;
  /** Drops the open file (an error or interruption). */
  abortFile(): Promise<void>;
  /** Fraction of the table done (0..1). */
  progress(withinTable: number): Promise<void>;
  /** Called between pages: a turn for other work; throws to stop the export. */
  pause(): Promise<void>;
}

export interface SpanExport {
  start: Buffer;
  end: Buffer;
  /** The table's primary index prefix: entries under it are rows, others index entries. */
  primaryPrefix: Buffer;
  /** Exclusive lower bound (incremental layers); undefined exports from the beginning. */
  startTs: Timestamp | undefined;
  endTs: Timestamp;
  revisionHistory: boolean;
  /** Live bytes of the span (for the progress fraction). */
  totalBytes: number;
}

const emptyStats = (): TableStats => ({ rows: 0, indexEntries: 0, dataBytes: 0 });

/** Exports the span into data files through out; returns the table's totals. */
export async function exportSpan(
  source: ExportSource, s: SpanExport, key: EncryptionKey | undefined, out: ExportOutput, compressBlock?: (raw: Buffer) => Promise<Buffer>,
): Promise<TableStats> {
  const stats = emptyStats();
  let fileStats = emptyStats();
  let writer: ReturnType<typeof newDataFileWriter> | null = null;
  let fileOpen = false;
  const openWriter = async (): Promise<ReturnType<typeof newDataFileWriter>> => {
    const sink = await out.openFile();
    fileOpen = true;
    fileStats = emptyStats();
    writer = newDataFileWriter(sink, { encryption: key, compressBlock });
    return writer;
  };
  const finishFile = async (): Promise<void> => {
    if (!writer) return;
    const w = writer;
    writer = null;
    const sum = await w.finish();
    await out.closeFile(sum, fileStats);
    fileOpen = false;
  };
  const count = (rows: number, indexEntries: number, bytes: number): void => {
    fileStats.rows += rows;
    stats.rows += rows;
    fileStats.indexEntries += indexEntries;
    stats.indexEntries += indexEntries;
    fileStats.dataBytes += bytes;
    stats.dataBytes += bytes;
  };
  const pplen = s.primaryPrefix.length;
  const rawPages = !s.revisionHistory && s.startTs === undefined;
  const totalBytes = Math.max(1, s.totalBytes);
  let from: Buffer | undefined = s.start;
  let lastProgressMs = Date.now();
  try {
    while (from) {
      await out.pause();
      if (Date.now() - lastProgressMs > exportProgressIntervalMs) {
        lastProgressMs = Date.now();
        await out.progress(Math.min(1, stats.dataBytes / totalBytes));
      }
      const req: ExportRequest = { start: from, end: s.end, startTs: s.startTs, endTs: s.endTs, allRevisions: s.revisionHistory, maxKeys: exportPageKeys };
      if (writer && rawPages) {
        // Latest-only into an open file: entries go straight from storage into the writer, without entry objects.
        const w: ReturnType<typeof newDataFileWriter> = writer;
        let wait: Promise<void> | undefined;
        let added = 0;
        let rows = 0;
        let indexEntries = 0;
        const page = source.exportVisitPage(req, (k, ks, ke, wall, logical, v, vs) => {
          added += ke - ks + v.length - vs;
          if (ke - ks >= pplen && hasPrefixAt(k, ks, s.primaryPrefix)) rows++;
          else indexEntries++;
          const p = w.addRaw(k, ks, ke, wall, logical, v, vs, v.length);
          if (p) {
            p.catch(() => undefined); // the last one is awaited below; they all settle alike
            wait = p;
          }
        });
        count(rows, indexEntries, added);
        if (wait) await wait;
        if (fileStats.dataBytes >= dataFileTargetBytes) await finishFile();
        from = page.resume;
        continue;
      }
      const page = source.exportPage(req);
      if (page.entries.length > 0) {
        const w = writer ?? (await openWriter());
        let prev: Buffer | null = null;
        for (const e of page.entries) {
          const bytes = e.key.length + (e.value?.length ?? 0);
          // Count each key once (revision history has several versions of a key, newest first).
          const counted = e.value !== null && (!s.revisionHistory || prev === null || !prev.equals(e.key));
          const isPrimary = counted && hasPrefixAt(e.key, 0, s.primaryPrefix);
          count(isPrimary ? 1 : 0, counted && !isPrimary ? 1 : 0, bytes);
          prev = e.key;
        }
        await w.addBatch(page.entries);
        if (fileStats.dataBytes >= dataFileTargetBytes) await finishFile();
      }
      from = page.resume;
    }
    await finishFile();
  } catch (err) {
    if (fileOpen) await out.abortFile().catch(() => undefined);
    throw err;
  }
  return stats;
}
