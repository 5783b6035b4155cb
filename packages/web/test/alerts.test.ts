import { CombinedError } from '@urql/core';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  ALERT_METRICS,
  describeRule,
  emptyRuleForm,
  formatMetricValue,
  formFromRule,
  formToInput,
  metricSubject,
  SCHEDULE_LABELS,
  saveProblem,
} from '../src/alerts';
import { alertPreviewChart, alertSparkline, triggerLevel } from '../src/charts/alert-charts';

/** The /alerts builders: the form to and from the API, its errors, and the two charts. */

describe('the rule form', () => {
  it('sends a metric rule as AlertRuleInput: "all" pickers as null, the snooze in UTC', () => {
    const form = {
      ...emptyRuleForm(),
      name: 'CDR dropped',
      phase: 'OPEN_BETA' as const,
      days: 1,
      threshold: '0.5',
      includeToday: true,
      snoozedUntil: '2026-12-24T18:30',
      destinations: [
        { id: null, url: ' http://127.0.0.1:9999/hook ', format: 'SLACK' as const, secret: '' },
      ],
    };
    expect(formToInput(form)).toEqual({
      name: 'CDR dropped',
      kind: 'METRIC',
      metric: 'cdr.rate',
      stackHash: null,
      operation: null,
      phase: 'OPEN_BETA',
      channel: null,
      days: 1,
      condition: 'BELOW',
      threshold: 0.5,
      changeMode: 'ABSOLUTE',
      schedule: 'HOURLY',
      includeToday: true,
      onlyCritical: false,
      snoozedUntil: '2026-12-24T18:30:00.000Z',
      destinations: [
        { id: null, url: 'http://127.0.0.1:9999/hook', format: 'SLACK', secret: null },
      ],
    });
  });

  it('leaves the metric fields out of a new-error-group rule and an empty threshold as null', () => {
    const input = formToInput({ ...emptyRuleForm(), kind: 'NEW_ERROR_GROUP', onlyCritical: true });
    expect(input).toMatchObject({
      kind: 'NEW_ERROR_GROUP',
      metric: null,
      condition: null,
      threshold: null,
      onlyCritical: true,
    });
    expect(formToInput({ ...emptyRuleForm(), threshold: '' }).threshold).toBeNull();
    // a number input's v-model answers a number
    expect(formToInput({ ...emptyRuleForm(), threshold: 0.25 }).threshold).toBe(0.25);
  });

  it('sends a weekly digest without metric, threshold, phase or channel, always WEEKLY', () => {
    // whatever the form held before the kind changed is left out, and HOURLY becomes WEEKLY
    const form = {
      ...emptyRuleForm(),
      name: 'Monday digest',
      kind: 'WEEKLY_DIGEST' as const,
      phase: 'OPEN_BETA' as const,
      channel: 'WEB' as const,
      threshold: '0.5',
      stackHash: 'abc123',
      includeToday: true,
      onlyCritical: true,
      destinations: [
        { id: null, url: 'https://hooks.example/d', format: 'SLACK' as const, secret: '' },
      ],
    };
    expect(formToInput(form)).toEqual({
      name: 'Monday digest',
      kind: 'WEEKLY_DIGEST',
      metric: null,
      stackHash: null,
      operation: null,
      phase: null,
      channel: null,
      days: null,
      condition: null,
      threshold: null,
      changeMode: 'ABSOLUTE',
      schedule: 'WEEKLY',
      includeToday: false,
      onlyCritical: false,
      snoozedUntil: null,
      destinations: [{ id: null, url: 'https://hooks.example/d', format: 'SLACK', secret: null }],
    });
    // back to a metric rule: WEEKLY is the digest's only, so the form's default HOURLY is sent
    expect(formToInput({ ...form, kind: 'METRIC', schedule: 'WEEKLY' }).schedule).toBe('HOURLY');
    expect(SCHEDULE_LABELS.WEEKLY).toBe('Mondays 08:00 UTC');
    expect(describeRule({ kind: 'WEEKLY_DIGEST' })).toBe('the weekly digest, Mondays 08:00 UTC');
  });

  it('sends the stack hash with errorGroup.count and the operation with trace.p95Ms, only there', () => {
    const base = {
      ...emptyRuleForm(),
      name: 'Crash grows',
      condition: 'ABOVE' as const,
      threshold: '5',
      days: 1,
      stackHash: ' 9f2c1e ',
      operation: ' recordEvents ',
    };
    expect(formToInput({ ...base, metric: 'errorGroup.count' })).toMatchObject({
      metric: 'errorGroup.count',
      stackHash: '9f2c1e',
      operation: null,
      threshold: 5,
      days: 1,
    });
    expect(formToInput({ ...base, metric: 'trace.p95Ms', threshold: 800 })).toMatchObject({
      metric: 'trace.p95Ms',
      stackHash: null,
      operation: 'recordEvents',
      threshold: 800,
    });
    // another metric sends neither; an empty one is null (the server: "is required for metric …")
    expect(formToInput({ ...base, metric: 'cdr.rate' })).toMatchObject({
      stackHash: null,
      operation: null,
    });
    expect(
      formToInput({ ...base, metric: 'errorGroup.count', stackHash: '  ' }).stackHash,
    ).toBeNull();
    expect(metricSubject('errorGroup.count')).toBe('stackHash');
    expect(metricSubject('trace.p95Ms')).toBe('operation');
    expect(metricSubject('cdr.rate')).toBeNull();
    expect(
      describeRule({
        kind: 'METRIC',
        metric: 'errorGroup.count',
        stackHash: '9f2c1e',
        condition: 'ABOVE',
        threshold: 5,
        days: 1,
      }),
    ).toBe('errorGroup.count of 9f2c1e rises above 5 over 1 day');
    expect(
      describeRule({
        kind: 'METRIC',
        metric: 'trace.p95Ms',
        operation: 'recordEvents',
        condition: 'INCREASE',
        threshold: 250,
        changeMode: 'ABSOLUTE',
        days: 7,
      }),
    ).toBe('trace.p95Ms of recordEvents increases by 250 over 7 days');
    // both are in the metric picker, after the KPI fields
    expect(ALERT_METRICS.slice(-2).map((m) => m.value)).toEqual([
      'errorGroup.count',
      'trace.p95Ms',
    ]);
  });

  it('opens a stored rule for editing and keeps its destinations by id (secret left blank: kept)', () => {
    const form = formFromRule({
      name: 'Stickiness up',
      kind: 'METRIC',
      metric: 'dauWau.stickiness',
      phase: null,
      channel: 'WEB',
      days: 14,
      condition: 'INCREASE',
      threshold: 0.2,
      changeMode: 'RELATIVE',
      schedule: 'DAILY',
      includeToday: false,
      onlyCritical: false,
      snoozedUntil: '2026-12-24T18:30:00.000Z',
      destinations: [{ id: 'd1', url: 'https://hooks.example/x', format: 'JSON' }],
    });
    expect(form).toMatchObject({
      phase: '',
      channel: 'WEB',
      threshold: '0.2',
      snoozedUntil: '2026-12-24T18:30',
      destinations: [{ id: 'd1', url: 'https://hooks.example/x', format: 'JSON', secret: '' }],
    });
    expect(formToInput(form).destinations).toEqual([
      { id: 'd1', url: 'https://hooks.example/x', format: 'JSON', secret: null },
    ]);
    const trace = formFromRule({
      name: 'Slow ingest',
      kind: 'METRIC',
      metric: 'trace.p95Ms',
      operation: 'recordEvents',
      stackHash: null,
      days: 1,
      condition: 'ABOVE',
      threshold: 800,
      schedule: 'HOURLY',
      includeToday: false,
      onlyCritical: false,
      destinations: [],
    });
    expect(trace).toMatchObject({
      metric: 'trace.p95Ms',
      operation: 'recordEvents',
      stackHash: '',
    });
    expect(formToInput(trace)).toMatchObject({ operation: 'recordEvents', stackHash: null });
    const digest = formFromRule({
      name: 'Monday digest',
      kind: 'WEEKLY_DIGEST',
      schedule: 'WEEKLY',
      includeToday: false,
      onlyCritical: false,
      destinations: [],
    });
    expect(formToInput(digest)).toMatchObject({ kind: 'WEEKLY_DIGEST', schedule: 'WEEKLY' });
  });

  it('puts each BAD_USER_INPUT under the field it names, anything else for the whole form', () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError('destinations.0.url: must use http or https (got ftp)', {
          extensions: { code: 'BAD_USER_INPUT', field: 'destinations.0.url' },
        }),
      ],
    });
    expect(saveProblem(error)).toEqual({
      fields: { 'destinations.0.url': 'destinations.0.url: must use http or https (got ftp)' },
      general: null,
    });
    const other = new CombinedError({
      graphQLErrors: [new GraphQLError('Forbidden', { extensions: { code: 'FORBIDDEN' } })],
    });
    expect(saveProblem(other)).toEqual({ fields: {}, general: 'Forbidden' });
  });

  it('describes rules and formats values in the metric’s unit', () => {
    expect(
      describeRule({
        kind: 'METRIC',
        metric: 'cdr.rate',
        condition: 'BELOW',
        threshold: 0.5,
        days: 7,
      }),
    ).toBe('cdr.rate falls below 50.0% over 7 days');
    expect(
      describeRule({
        kind: 'METRIC',
        metric: 'dauWau.avgDau',
        condition: 'DECREASE',
        threshold: 0.2,
        changeMode: 'RELATIVE',
        days: 1,
      }),
    ).toBe('dauWau.avgDau decreases by 20.0% over 1 day');
    expect(describeRule({ kind: 'NEW_ERROR_GROUP', onlyCritical: true })).toBe(
      'a new CRITICAL error group',
    );
    expect(formatMetricValue('dauWau.stickiness', 0.25)).toBe('25.0%');
    expect(formatMetricValue('paidConversion.conversions', 1234)).toBe('1,234');
    expect(formatMetricValue('cdr.rate', null)).toBe('—');
  });
});

describe('the alert charts', () => {
  it('draws the last checks oldest first (the API answers newest first), a check without value as a gap', () => {
    const spec = alertSparkline(
      [
        { evaluatedAt: '2026-11-10T12:00:00.000Z', value: 0.4 },
        { evaluatedAt: '2026-11-10T11:00:00.000Z', value: null },
        { evaluatedAt: '2026-11-10T10:00:00.000Z', value: 0.6 },
      ],
      'cdr.rate',
    );
    expect(spec.series).toEqual([
      {
        name: 'Value',
        data: [
          { x: Date.UTC(2026, 10, 10, 10), y: 0.6 },
          { x: Date.UTC(2026, 10, 10, 11), y: null },
          { x: Date.UTC(2026, 10, 10, 12), y: 0.4 },
        ],
      },
    ]);
    expect(spec.csv.rows[0]).toEqual(['2026-11-10T10:00:00.000Z', 0.6]);
  });

  it('puts the trigger level at the threshold, or the previous value moved by it', () => {
    const base = { threshold: 0.1, changeMode: 'ABSOLUTE' as const, previousValue: 0.5 };
    expect(triggerLevel({ ...base, condition: 'BELOW' })).toBe(0.1);
    expect(triggerLevel({ ...base, condition: 'ABOVE' })).toBe(0.1);
    expect(triggerLevel({ ...base, condition: 'DECREASE' })).toBe(0.4);
    expect(triggerLevel({ ...base, condition: 'INCREASE' })).toBeCloseTo(0.6, 12);
    // relative: 20% of 40 users = 8
    const relative = { threshold: 0.2, changeMode: 'RELATIVE' as const, previousValue: 40 };
    expect(triggerLevel({ ...relative, condition: 'DECREASE' })).toBe(32);
    expect(triggerLevel({ ...relative, condition: 'INCREASE' })).toBe(48);
    // a change with nothing to change from, or no threshold yet: no line
    expect(triggerLevel({ ...base, previousValue: null, condition: 'DECREASE' })).toBeNull();
    expect(triggerLevel({ ...base, threshold: null, condition: 'BELOW' })).toBeNull();
  });

  it('draws the preview points and a labelled dashed line where the rule fires', () => {
    const spec = alertPreviewChart({
      metric: 'cdr.rate',
      points: [
        { windowEnd: '2026-11-09', value: 0.8 },
        { windowEnd: '2026-11-10', value: null },
        { windowEnd: '2026-11-11', value: 0.4 },
      ],
      condition: 'BELOW',
      threshold: 0.5,
      changeMode: 'ABSOLUTE',
      previousValue: 0.8,
    });
    expect(spec.type).toBe('line');
    expect(spec.series).toEqual([
      {
        name: 'cdr.rate (window ending that day)',
        data: [
          { x: Date.UTC(2026, 10, 9), y: 0.8 },
          { x: Date.UTC(2026, 10, 10), y: null },
          { x: Date.UTC(2026, 10, 11), y: 0.4 },
        ],
      },
    ]);
    const lines = spec.options.annotations?.yaxis ?? [];
    expect(lines.map((l) => [l.y, l.strokeDashArray, l.label?.text])).toEqual([
      [0.5, 6, 'fires below 50.0%'],
    ]);
    // the axis reaches above the highest value (0.8) so the line and the points stay in view
    expect((spec.options.yaxis as { max: number }).max).toBeCloseTo(0.92, 12);
    expect(spec.csv).toEqual({
      header: ['windowEnd', 'value', 'triggerLevel'],
      rows: [
        ['2026-11-09', 0.8, 0.5],
        ['2026-11-10', null, 0.5],
        ['2026-11-11', 0.4, 0.5],
      ],
    });
  });

  it('keeps a threshold above every value in view, and draws no line without one', () => {
    const above = alertPreviewChart({
      metric: 'dauWau.dau',
      points: [{ windowEnd: '2026-11-11', value: 2 }],
      condition: 'ABOVE',
      threshold: 10,
      changeMode: 'ABSOLUTE',
      previousValue: null,
    });
    expect((above.options.yaxis as { max: number }).max).toBeCloseTo(11.5, 12);
    expect(above.options.annotations?.yaxis?.[0]?.label?.text).toBe('fires above 10');
    const none = alertPreviewChart({
      metric: 'dauWau.dau',
      points: [],
      condition: 'INCREASE',
      threshold: 1,
      changeMode: 'ABSOLUTE',
      previousValue: null,
    });
    expect(none.options.annotations?.yaxis).toEqual([]);
    expect((none.options.yaxis as { max: number }).max).toBe(1);
  });
});
