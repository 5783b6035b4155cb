import type { CombinedError } from '@urql/vue';
import type { AlertState } from './gql/graphql';

/**
 * `previewAlertRule(rule: AlertRuleInput!): AlertPreview!` (admin only): what the rule being
 * edited would find now, and the metric for windows of the rule's length ending on each of the
 * last 14 days (oldest first), for the preview chart.
 *
 * The query is a plain string, typed by hand below, and not a codegen'd `graphql()` document:
 * the field is added to the API on another branch, and codegen refuses a document that the
 * committed schema does not have. Once `previewAlertRule` is in packages/schema/schema.graphql,
 * this can become `graphql(/* GraphQL *\/ …)` with the generated types; the page works either
 * way, and until then says the preview is not available on this server.
 */
export const PREVIEW_ALERT_RULE = `
  query PreviewAlertRule($rule: AlertRuleInput!) {
    previewAlertRule(rule: $rule) {
      state
      value
      previousValue
      message
      window { from to days }
      points { windowEnd value }
    }
  }
`;

export interface AlertPreviewPoint {
  /** The UTC day the window ends on (inclusive). */
  windowEnd: string;
  value: number | null;
}

export interface AlertPreview {
  state: AlertState;
  value: number | null;
  previousValue: number | null;
  message: string;
  /** `[from, to)`, whole UTC days (`KpiWindow`). */
  window: { from: string; to: string; days: number } | null;
  points: AlertPreviewPoint[];
}

export interface PreviewAlertRuleResult {
  previewAlertRule: AlertPreview;
}

/** The server has no `previewAlertRule` (a schema from before it): the page says so, calmly. */
export function previewUnavailable(error: CombinedError): boolean {
  return error.graphQLErrors.some(
    (e) =>
      e.message.includes('Cannot query field "previewAlertRule"') ||
      e.message.includes('Unknown type "AlertPreview'),
  );
}
