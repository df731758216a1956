import { z } from 'zod';
import { ToolError, defineTool, untrusted } from '@mcp-hub/connector-kit';
import type { DatabaseDeps } from '../database-deps';
import { EXPORT_MIME_TYPES, exportUri } from '../exports/export-store';
import { ROW_WRITERS } from '../exports/export-formats';
import { callLimits, guarded, requireSource } from '../tool-errors';
import { ParamsSchema, UntrustedShape, sourceArgument } from './tool-schemas';

/** Rows read from the cursor at a time (and progress reported as often). */
const BATCH = 1000;

export const ExportOutputSchema = z.object({
  ...UntrustedShape,
  uri: z.string().describe('The export as a resource (resources/read), for its owner only, until expiresAt.'),
  format: z.enum(['csv', 'jsonl']),
  rows: z.number().int(),
  bytes: z.number().int(),
  truncated: z.boolean().describe('True when more rows existed than were written (truncatedBy).'),
  truncatedBy: z.enum(['max_rows', 'max_bytes']).optional(),
  cutCells: z.number().int().describe('Cells cut to the per-cell byte cap (64 KiB).'),
  expiresAt: z.string().describe('When the export is deleted (ISO 8601).'),
});

export interface ExportLimits {
  /** Most rows one export writes. */
  maxRows: number;
  /** Most bytes one export's file holds. */
  maxBytes: number;
}

/**
 * `export_query`: one read-only statement (the same rules as run_query) streamed batch by batch
 * into a CSV or JSONL file that becomes a resource. Runs as a job: progress counts rows; a cancel
 * or the deadline stops the statement and deletes the partial file.
 */
export function exportQueryTool(sourceNames: readonly string[], limits: ExportLimits) {
  return defineTool({
    name: 'export_query',
    title: 'Export a read-only SQL query to a file',
    description:
      'Runs one SELECT like database_run_query, but writes every row (up to the export caps) to a CSV or JSONL file instead of returning them. ' +
      'Long-running: you get a job to follow; its result links the file as a resource, readable for a limited time. Use it for results too large for database_run_query.',
    input: z.object({
      source: sourceArgument(sourceNames),
      sql: z.string().min(1).max(100_000).describe('One SELECT statement.'),
      params: ParamsSchema,
      format: z.enum(['csv', 'jsonl']).default('csv').describe('csv (header row, RFC 4180) or jsonl (one JSON object per row).'),
      max_rows: z.number().int().min(1).max(limits.maxRows).optional().describe(`Rows to write at most (default and cap ${limits.maxRows}).`),
    }),
    output: ExportOutputSchema,
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    execution: 'job',
    handler: async ({ source: name, sql, params, format, max_rows }, ctx, deps: DatabaseDeps) => {
      const source = requireSource(deps, name);
      const maxRows = max_rows ?? limits.maxRows;
      const writer = ROW_WRITERS[format];
      // The engine stops a little past the file cap (its bytes are JSON's, not the file's): the cap below is exact.
      const stream = await guarded(() => source.openQuery(sql, params, callLimits(ctx), limits.maxBytes + 64 * 1024));
      // The job's id names the file, so a job run again after a restart replaces its own.
      const file = await deps.exports.create(ctx.jobId ?? undefined);
      let rows = 0;
      let bytes = 0;
      let cutCells = 0;
      let truncatedBy: 'max_rows' | 'max_bytes' | undefined;
      try {
        let headerWritten = false;
        for (;;) {
          if (ctx.signal.aborted) throw ctx.signal.reason ?? new ToolError('cancelled', 'The export was cancelled.');
          const batch = await guarded(() => stream.read(Math.min(BATCH, maxRows - rows + 1)));
          if (!headerWritten) {
            const header = writer.header(stream.columns);
            bytes += Buffer.byteLength(header);
            await file.write(header);
            headerWritten = true;
          }
          let chunk = '';
          for (const row of batch.rows) {
            if (rows >= maxRows) {
              truncatedBy = 'max_rows';
              break;
            }
            const line = writer.row(stream.columns, row);
            const size = Buffer.byteLength(line);
            if (bytes + size > limits.maxBytes) {
              truncatedBy = 'max_bytes';
              break;
            }
            chunk += line;
            bytes += size;
            rows++;
          }
          cutCells += batch.cut.length;
          if (chunk) await file.write(chunk);
          ctx.progress(rows, undefined, `${rows} rows written`);
          if (truncatedBy) break;
          if (batch.end === 'max_bytes') {
            truncatedBy = 'max_bytes';
            break;
          }
          if (batch.end === 'done') break;
        }
        await file.commit({ owner: ctx.principal.id, format, rows, bytes });
      } catch (error) {
        await file.discard();
        throw error;
      } finally {
        await stream.close();
      }
      const uri = exportUri(file.id);
      const expiresAt = new Date(Date.now() + deps.exports.keepMs).toISOString();
      const cut = truncatedBy ? ` (truncated by ${truncatedBy}: add filters or select fewer columns)` : '';
      return {
        structured: { ...untrusted(`database:${name}`), uri, format, rows, bytes, truncated: truncatedBy !== undefined, ...(truncatedBy && { truncatedBy }), cutCells, expiresAt },
        text: `Exported ${rows} row(s), ${bytes} bytes of ${format}${cut} to ${uri}; read it as a resource until ${expiresAt}.`,
        links: [{ uri, name: `export ${file.id}`, mimeType: EXPORT_MIME_TYPES[format], description: `${rows} rows of ${format} from source ${name}` }],
      };
    },
  });
}
