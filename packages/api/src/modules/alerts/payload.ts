import { createHmac } from 'node:crypto';
import { type KpiWindow, shiftDay } from '../shared/window.js';
import type { DeliveryKind, DestinationFormat } from './alert-kinds.js';
import type { ChannelMove } from './evaluate.js';
import type { ErrorGrowthRow } from './get-error-growth.sql.js';
import type { NewErrorGroupRow } from './get-new-error-groups.sql.js';

/**
 * The JSON payload every destination of format `JSON` receives (docs/alerts.md#payload). Field
 * names are the contract; enum values are the GraphQL names (`FIRING`, `BELOW`, `OPEN_BETA`).
 */
export interface AlertPayload {
  version: 1;
  kind: string;
  rule: { id: string; name: string };
  state: string;
  metric: string | null;
  /** `errorGroup.count`: the group's stack hash. */
  stackHash: string | null;
  /** `trace.p95Ms`: the operation. */
  operation: string | null;
  value: number | null;
  previousValue: number | null;
  threshold: number | null;
  condition: string | null;
  changeMode: string | null;
  window: { from: string; to: string; days: number } | null;
  phase: string | null;
  channel: string | null;
  message: string;
  dashboardUrl: string;
  evaluatedAt: string;
  explanation: {
    channels: ChannelMove[] | null;
    errorGroups: { stackHash: string; errorType: string; count: number; previousCount: number }[];
  } | null;
  errorGroup: {
    stackHash: string;
    errorId: string;
    timestamp: string;
    errorType: string;
    errorMessage: string;
    stackTrace: string | null;
    severity: string;
    channel: string;
    phase: string;
  } | null;
}

const upper = (v: string | null) => (v === null ? null : v.toUpperCase());

export interface PayloadFacts {
  kind: DeliveryKind;
  rule: {
    id: string;
    name: string;
    metric: string | null;
    stackHash: string | null;
    operation: string | null;
    condition: string | null;
    threshold: number | null;
    changeMode: string | null;
    phase: string | null;
    channel: string | null;
  };
  state: string;
  value: number | null;
  previousValue: number | null;
  window: KpiWindow | null;
  message: string;
  evaluatedAt: Date;
  dashboardBaseUrl: string;
  channels: ChannelMove[] | null;
  errorGrowth: ErrorGrowthRow[] | null;
  errorGroup: NewErrorGroupRow | null;
}

/** The dashboard page showing the rule's metric over the same window, or the error group. */
export function dashboardLink(
  facts: Pick<PayloadFacts, 'dashboardBaseUrl' | 'rule' | 'window' | 'errorGroup'>,
): string {
  const base = facts.dashboardBaseUrl.replace(/\/+$/, '');
  if (facts.errorGroup)
    return `${base}/errors?stackHash=${encodeURIComponent(facts.errorGroup.stack_hash)}`;
  const page = facts.rule.phase === 'closed_beta' ? 'closed-beta' : 'open-beta';
  const query = new URLSearchParams();
  if (facts.window) {
    query.set('days', String(facts.window.days));
    // the window's last day, so the page shows the same days
    query.set('asOf', shiftDay(facts.window.endDay, -1));
  }
  if (facts.rule.channel) query.set('channel', facts.rule.channel);
  const q = query.toString();
  return `${base}/${page}${q ? `?${q}` : ''}`;
}

export function buildPayload(facts: PayloadFacts): AlertPayload {
  const { rule, window, errorGroup } = facts;
  return {
    version: 1,
    kind: upper(facts.kind) as string,
    rule: { id: rule.id, name: rule.name },
    state: facts.state.toUpperCase(),
    metric: rule.metric,
    stackHash: rule.stackHash,
    operation: rule.operation,
    value: facts.value,
    previousValue: facts.previousValue,
    threshold: rule.threshold,
    condition: upper(rule.condition),
    changeMode: upper(rule.changeMode),
    window: window
      ? { from: window.from.toISOString(), to: window.to.toISOString(), days: window.days }
      : null,
    phase: upper(rule.phase),
    channel: upper(rule.channel),
    message: facts.message,
    dashboardUrl: dashboardLink(facts),
    evaluatedAt: facts.evaluatedAt.toISOString(),
    explanation:
      facts.channels || facts.errorGrowth
        ? {
            channels:
              facts.channels?.map((c) => ({ ...c, channel: c.channel.toUpperCase() })) ?? null,
            errorGroups: (facts.errorGrowth ?? []).map((g) => ({
              stackHash: g.stack_hash,
              errorType: g.error_type,
              count: g.count,
              previousCount: g.previous_count,
            })),
          }
        : null,
    errorGroup: errorGroup
      ? {
          stackHash: errorGroup.stack_hash,
          errorId: errorGroup.id,
          timestamp: new Date(errorGroup.timestamp).toISOString(),
          errorType: errorGroup.error_type,
          errorMessage: errorGroup.error_message,
          stackTrace: errorGroup.stack_trace,
          severity: errorGroup.severity.toUpperCase(),
          channel: errorGroup.channel.toUpperCase(),
          phase: errorGroup.phase.toUpperCase(),
        }
      : null,
  };
}

/** The same facts as one Slack message (`{"text": …}`), for Slack, Teams and Discord webhooks. */
export function slackText(p: AlertPayload): string {
  const lines: string[] = [];
  if (p.errorGroup) {
    lines.push(
      `:rotating_light: New error group (${p.rule.name}): ${p.errorGroup.errorType}: ${p.errorGroup.errorMessage}`,
      `severity ${p.errorGroup.severity} · ${p.errorGroup.channel} · ${p.errorGroup.phase} · first seen ${p.errorGroup.timestamp}`,
    );
  } else {
    const icon =
      p.kind === 'TEST'
        ? ':test_tube:'
        : p.state === 'FIRING'
          ? ':rotating_light:'
          : ':white_check_mark:';
    lines.push(
      `${icon} ${p.kind === 'TEST' ? 'Test: ' : ''}${p.rule.name} is ${p.state}: ${p.metric}${p.stackHash ? ` of ${p.stackHash}` : ''}${p.operation ? ` of ${p.operation}` : ''} = ${p.value ?? 'no data'} (previous window ${p.previousValue ?? 'no data'}; ${p.condition} ${p.threshold})`,
    );
    if (p.window)
      lines.push(
        `window ${p.window.from.slice(0, 10)} – ${p.window.to.slice(0, 10)} (${p.window.days} days, end exclusive) · phase ${p.phase ?? 'all'} · channel ${p.channel ?? 'all'}`,
      );
    const top = p.explanation?.channels?.[0];
    if (top)
      lines.push(
        `moved most on ${top.channel}: ${top.previousValue ?? 'no data'} → ${top.value ?? 'no data'}`,
      );
    const groups = p.explanation?.errorGroups ?? [];
    if (groups.length > 0)
      lines.push(
        `errors that grew most: ${groups.map((g) => `${g.errorType} (${g.stackHash}) ${g.previousCount} → ${g.count}`).join(', ')}`,
      );
  }
  lines.push(p.dashboardUrl);
  return lines.join('\n');
}

/** The exact body a destination receives. */
export const renderBody = (format: DestinationFormat, payload: AlertPayload): string =>
  format === 'slack' ? JSON.stringify({ text: slackText(payload) }) : JSON.stringify(payload);

/** `X-Cortex-Signature`: `sha256=` and the HMAC-SHA256 of the body with the destination's secret, hex. */
export const signature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
