import { LIMITS } from '@cortex-telemetry/events';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type IngestOptions, ingestMapped } from '../ingest/ingest.service.js';
import type { PartialSuccess } from './otlp-codec.js';
import { mapRequest } from './otlp-map.js';

/** How failed items of this endpoint are labelled (their `mutation`). */
export const OTLP_TRACES = 'POST /v1/traces';
/** Reasons quoted in `partialSuccess.errorMessage`; the rest are in the failed-items store. */
const QUOTED_REASONS = 3;

export interface OtlpExportResult {
  spans: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

/**
 * Stores an ExportTraceServiceRequest (JSON form) through the ingest path, in batches of the
 * usual size, and answers what OTLP's partialSuccess says: how many spans were refused and why.
 */
export async function exportTraces(
  em: EntityManager,
  request: Record<string, unknown>,
  o: Omit<IngestOptions, 'mutation' | 'argument' | 'sentAt'>,
): Promise<{ result: OtlpExportResult; partial: PartialSuccess | null }> {
  const items = mapRequest(request);
  const result: OtlpExportResult = { spans: items.length, accepted: 0, duplicates: 0, rejected: 0 };
  const reasons: string[] = [];
  for (let from = 0; from < items.length; from += LIMITS.batchItems) {
    const batch = await ingestMapped(em, items.slice(from, from + LIMITS.batchItems), {
      ...o,
      sentAt: null,
      mutation: OTLP_TRACES,
      argument: 'resourceSpans',
    });
    result.accepted += batch.accepted;
    result.duplicates += batch.duplicates;
    result.rejected += batch.rejected;
    for (const e of batch.errors) {
      if (reasons.length < QUOTED_REASONS) reasons.push(`span ${from + e.index}: ${e.message}`);
    }
  }
  if (result.rejected === 0) return { result, partial: null };
  const more = result.rejected > reasons.length ? '; the rest are in failedItems' : '';
  return {
    result,
    partial: { rejectedSpans: result.rejected, errorMessage: `${reasons.join('; ')}${more}` },
  };
}
