/**
 * The keys of a report row that are check-in evidence: removed after the retention period. The
 * status, the check-in time and changes by hand (with their reasons) stay.
 */
export const EvidenceKeys = ['distanceM', 'accuracyM', 'methods', 'lastRejection', 'flags'] as const;

/** SQL: the jsonb array of report rows `rowsSql` without the evidence keys, in the same order. */
export function withoutEvidenceSql(rowsSql: string): string {
  return `(SELECT coalesce(jsonb_agg(e.row - '{${EvidenceKeys.join(',')}}'::text[] ORDER BY e.ord), '[]'::jsonb)
             FROM jsonb_array_elements(${rowsSql}) WITH ORDINALITY AS e(row, ord))`;
}
