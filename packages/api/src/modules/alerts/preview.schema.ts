import { builder } from '../../builder.js';
import { KpiWindowRef } from '../kpi/kpi.schema.js';
import { RuleInput, StateEnum, toInput } from './alerts.schema.js';
import { alertService } from './alerts.service.js';
import type { AlertPreview, AlertPreviewPoint } from './preview.js';

/** `previewAlertRule` (docs/alerts.md#preview): the rule editor's live preview; admin only. */
const PreviewPointRef = builder.objectRef<AlertPreviewPoint>('AlertPreviewPoint').implement({
  description: 'The metric over one window of the rule’s length.',
  fields: (t) => ({
    windowEnd: t.expose('windowEnd', {
      type: 'Date',
      description: 'The window’s last UTC day (inclusive, like `asOf`).',
    }),
    value: t.exposeFloat('value', { nullable: true, description: 'The metric; null: no data.' }),
  }),
});

const PreviewRef = builder.objectRef<AlertPreview>('AlertPreview').implement({
  description: 'What a rule would find now, and its metric over the last 14 days.',
  fields: (t) => ({
    state: t.field({
      type: StateEnum,
      resolve: (p) => p.state as never,
      description: 'OK, FIRING, or ERRORED when the metric cannot be read.',
    }),
    value: t.exposeFloat('value', { nullable: true, description: 'The metric in the window.' }),
    previousValue: t.exposeFloat('previousValue', {
      nullable: true,
      description: 'The metric in the previous window of the same length.',
    }),
    message: t.exposeString('message', { description: 'Why, in one sentence (or the error).' }),
    window: t.expose('window', {
      type: KpiWindowRef,
      nullable: true,
      description: 'The window a check would read now.',
    }),
    points: t.expose('points', {
      type: [PreviewPointRef],
      description:
        'The metric for windows of the rule’s length ending on each of the last 14 days (the last one is `window`’s), oldest first; empty for rules without a metric.',
    }),
  }),
});

builder.queryFields((t) => ({
  previewAlertRule: t.field({
    type: PreviewRef,
    description:
      'A rule as a check would find it now, and its metric over the last 14 days, for the editor’s live preview; stores and sends nothing, destinations are not read (admin only).',
    args: { rule: t.arg({ type: RuleInput, required: true, description: 'The rule.' }) },
    resolve: (_r, a, ctx) => alertService.preview(ctx.em, toInput(a.rule), ctx.receivedAt),
  }),
}));
