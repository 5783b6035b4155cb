import {
  type Channel,
  type EventName,
  eventsForToolCall,
  type Pipeline,
  type Severity,
} from '@cortex-telemetry/events';
import {
  CLOSED_BETA_RELEASES,
  type DemoTool,
  DRAWN_TOOLS,
  ERROR_TEMPLATES,
  type ErrorTemplate,
  EXTENSION_ACTIONS,
  OPEN_BETA_RELEASES,
  TOOLS,
  WEB_ACTIONS,
} from './demo-catalog.js';
import { DAY_MS, type DemoTimeline, type DemoUser } from './demo-users.js';
import type { Random } from './random.js';

/**
 * Turns one user's active days into what the SDK would have sent: sessions on the user's
 * channels, MCP tool calls with the events of the docs/api.md#the-event-catalog tool map plus one trace each, errors
 * when calls fail, subscription changes. Items are wire-shaped service inputs (`ingestItems`).
 */
export interface DemoItem {
  pipeline: Pipeline;
  item: Record<string, unknown>;
}

/** A week or more away: the user returns "from context" most of the time (resurrection KPI). */
const RESURRECTION_GAP_DAYS = 7;

function hashCode(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

class SessionWriter {
  readonly items: DemoItem[] = [];
  private readonly rng: Random;
  private ts: number;
  private readonly common: Record<string, unknown>;

  constructor(
    private readonly user: DemoUser,
    private readonly t: DemoTimeline,
    startMs: number,
    channel: Channel,
    tier: string,
    version: string,
  ) {
    this.rng = user.rng;
    this.ts = startMs;
    const projectId = this.rng.pick(user.projects);
    this.common = {
      userIdHash: user.userIdHash,
      sessionId: `ses_${this.rng.hex(16)}`,
      channel,
      userTier: tier,
      projectId,
      branchId: this.rng.chance(0.7) ? 'main' : `br_${this.rng.hex(6)}`,
      contextId: `ctx_${projectId.slice(4, 8)}${this.rng.int(1, 6)}`,
      clientVersion: version,
    };
  }

  get channel(): Channel {
    return this.common.channel as Channel;
  }

  /** Moves the session clock on by a think-time between actions. */
  wait(medianMs = 70_000): void {
    this.ts += Math.round(this.rng.logNormal(medianMs, 0.9));
  }

  private push(pipeline: Pipeline, item: Record<string, unknown>): void {
    // nothing from the future: today's sessions stop at "now"
    if (this.ts > this.t.now.getTime()) return;
    const phase = this.ts >= this.t.openBetaStartsAt.getTime() ? 'open_beta' : 'closed_beta';
    this.items.push({
      pipeline,
      item: { ...this.common, timestamp: new Date(this.ts), phase, ...item },
    });
  }

  event(eventName: EventName, extra: Record<string, unknown> = {}): void {
    this.push('event', { eventId: this.rng.uuid(), eventName, ...extra });
  }

  error(template: ErrorTemplate): void {
    const version = String(this.common.clientVersion);
    const prefix =
      template.channel === 'server'
        ? `/home/${this.user.osUser}/.npm/_npx/${this.user.userIdHash.slice(0, 12)}/`
        : `/home/${this.user.osUser}/.vscode/extensions/cortex.cortex-${version}/`;
    const stack = template.frames.map(([fn, file], i) => {
      const line = 20 + (hashCode(`${version}:${fn}:${i}`) % 480);
      const where = file.startsWith('https://') ? file : `${prefix}${file}`;
      return `    at ${fn} (${where}:${line}:${1 + (hashCode(fn) % 60)})`;
    });
    this.push('error', {
      errorId: this.rng.uuid(),
      errorType: template.errorType,
      errorMessage: template.message,
      stackTrace: [`${template.errorType}: ${template.message}`, ...stack].join('\n'),
      severity: this.rng.weighted(template.severities as Record<Severity, number>),
      relatedEventName: template.relatedEventName ?? null,
    });
  }

  /** One MCP call: its events (tool map), its trace and, when it fails, usually an error. */
  toolCall(tool: DemoTool): boolean {
    const profile = TOOLS[tool];
    const success = !this.rng.chance(profile.failureRate);
    const templates = ERROR_TEMPLATES.filter((e) => e.tool === tool);
    const timedOut = !success && templates.some((e) => e.errorType === 'TimeoutError');
    const durationMs = timedOut
      ? 10_000 + this.rng.next() * 400
      : this.rng.logNormal(profile.medianMs, profile.sigma);
    const resultCount =
      tool === 'search_context' && success
        ? this.rng.chance(0.8)
          ? this.rng.int(1, 12)
          : 0
        : null;
    const names = eventsForToolCall(tool, {
      success,
      resultCount,
      autoCreated: this.rng.chance(0.45),
    });
    this.push('trace', {
      traceId: this.rng.uuid(),
      operationName: tool,
      durationMs: Math.round(durationMs * 10) / 10,
      success,
      resultCount,
      metadata: { tool_name: tool },
    });
    const [call, ...after] = names;
    if (call) {
      this.event(call, {
        result: success ? 'success' : 'error',
        durationMs: Math.round(durationMs),
        metadata: { tool_name: tool },
      });
    }
    this.ts += Math.round(durationMs);
    for (const name of after) this.event(name, { metadata: { tool_name: tool } });
    if (!success && templates.length > 0 && this.rng.chance(0.85))
      this.error(this.rng.pick(templates));
    return success;
  }

  /** An edit that hits a protected context: blocked, or overridden by hand. */
  protection(): void {
    this.event('context_protection_triggered');
    this.wait(8_000);
    this.event(this.rng.chance(0.6) ? 'context_protection_blocked' : 'context_override_manual');
  }
}

function versionOn(user: DemoUser, t: DemoTimeline, day: number): string {
  const open = day >= t.splitDay;
  const releases = open ? OPEN_BETA_RELEASES : CLOSED_BETA_RELEASES;
  const since = day - (open ? t.splitDay : 0) - user.versionLag;
  let version: string = releases[0].version;
  for (const r of releases) if (since >= r.day) version = r.version;
  return version;
}

function tierOn(user: DemoUser, day: number): string {
  const paid = user.convertDay !== null && day > user.convertDay;
  const canceled = user.cancelDay !== null && day > user.cancelDay;
  return paid && !canceled ? 'pro' : 'free';
}

type SessionKind = 'first' | 'resumed' | 'regular';

function serverSession(s: SessionWriter, kind: SessionKind, actions: number, rng: Random): void {
  if (kind === 'first') s.toolCall('initialize_context');
  else s.event('session_started');
  if (kind === 'resumed') s.toolCall('get_active_summary');
  for (let i = 0; i < actions; i++) {
    s.wait();
    const tool = rng.weighted(DRAWN_TOOLS);
    if (s.toolCall(tool) && tool === 'update_memory' && rng.chance(0.06)) s.protection();
  }
}

function clientSession(s: SessionWriter, kind: SessionKind, actions: number, rng: Random): void {
  const web = s.channel === 'web';
  s.event(web ? 'web_view_opened' : 'extension_activated');
  s.event('session_started');
  if (kind === 'first') s.event('context_created');
  if (kind === 'resumed') {
    s.event('context_resumed');
    s.event('session_resumed_from_context');
  }
  for (let i = 0; i < actions; i++) {
    s.wait();
    const weights: Readonly<Record<string, number>> = web ? WEB_ACTIONS : EXTENSION_ACTIONS;
    const action = rng.weighted(weights) as EventName;
    if (action === 'context_protection_triggered') s.protection();
    else s.event(action);
  }
  for (const template of ERROR_TEMPLATES) {
    if (template.channel === s.channel && template.perSession && rng.chance(template.perSession)) {
      s.error(template);
    }
  }
}

/** Every item of one user, in time order per session. */
export function userItems(user: DemoUser, t: DemoTimeline): DemoItem[] {
  const { rng } = user;
  const items: DemoItem[] = [];
  // open-beta users never appear before the launch instant, so they never carry closed_beta
  const earliest = user.cohort === 'open' ? t.openBetaStartsAt.getTime() : 0;
  let previous: number | null = null;
  // a cancellation can come on a day the user does nothing else
  const days = [
    ...new Set([...user.activeDays, ...(user.cancelDay === null ? [] : [user.cancelDay])]),
  ];
  const active = new Set(user.activeDays);
  for (const day of days.sort((a, b) => a - b)) {
    const dayStart = t.windowStartMs + day * DAY_MS;
    const sessions = active.has(day) ? Math.min(4, rng.geometric(user.sessionsPerDay)) : 0;
    const version = versionOn(user, t, day);
    const starts = Array.from({ length: sessions }, (_, k) => {
      const hour = Math.min(23.5, Math.max(0, user.hourUtc + rng.normal() * 1.5 + k * 2.5));
      return Math.max(earliest, dayStart + Math.round(hour * 3_600_000));
    }).sort((a, b) => a - b);
    starts.forEach((start, k) => {
      const gap = previous === null ? null : day - previous - 1;
      const kind: SessionKind =
        previous === null && k === 0
          ? 'first'
          : k === 0 && gap !== null && gap >= RESURRECTION_GAP_DAYS && rng.chance(0.75)
            ? 'resumed'
            : 'regular';
      const channel: Channel = rng.chance(0.7)
        ? user.primaryChannel
        : rng.weighted({ server: 5, extension: 3, web: 2 });
      const s = new SessionWriter(user, t, start, channel, tierOn(user, day), version);
      const actions = rng.geometric(user.actionsPerSession);
      if (channel === 'server') serverSession(s, kind, actions, rng);
      else clientSession(s, kind, actions, rng);
      items.push(...s.items);
    });
    if (day === user.convertDay || day === user.cancelDay) {
      // subscriptions are bought and canceled in the web view, late in the working day
      const at = Math.max(
        earliest,
        dayStart + Math.round(Math.min(23.9, user.hourUtc + 4) * 3_600_000),
      );
      const s = new SessionWriter(user, t, at, 'web', tierOn(user, day), version);
      s.event('web_view_opened');
      s.wait(40_000);
      s.event(day === user.convertDay ? 'paid_subscription_started' : 'paid_subscription_canceled');
      items.push(...s.items);
    }
    previous = day;
  }
  return items;
}
