import { graphql } from './gql';
import type { PreviewAlertRuleQuery } from './gql/graphql';

/**
 * `previewAlertRule(rule: AlertRuleInput!): AlertPreview!` (admin only): what the rule being
 * edited would find now, and the metric for windows of the rule's length ending on each of the
 * last 14 days (oldest first), for the preview chart.
 */
export const PreviewAlertRuleDocument = graphql(/* GraphQL */ `
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
`);

export type AlertPreview = PreviewAlertRuleQuery['previewAlertRule'];
