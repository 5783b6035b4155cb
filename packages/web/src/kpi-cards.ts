import { formatCount, formatPercent } from './format';
import type { KpiSummariesFragment } from './gql/graphql';

/**
 * The four KPI cards as plain data: the headline value, the details underneath, and the change
 * against the previous window of the same length. Rates change in percentage points, counts in
 * units and percent; the direction is written out (sign and arrow), never left to colour.
 * The summaries are the `KpiSummaries` fragment's generated type.
 */
export type KpiSummaries = KpiSummariesFragment;

export type Direction = 'up' | 'down' | 'flat' | 'none';

export interface Delta {
  direction: Direction;
  /** `▲ +2.5 pp`, `▼ −3 (−12.0%)`, `● no change`, `no earlier data`, `no data in this window`. */
  text: string;
}

export interface KpiCard {
  id: 'cdr' | 'resurrection' | 'dau' | 'paid-conversion';
  title: string;
  value: string;
  details: string[];
  delta: Delta;
}

/**
 * The cards in page order with their titles: what the page lays out from its first paint, before
 * the numbers arrive, so the cards fill in where they already stand.
 */
export const KPI_CARD_TITLES = [
  { id: 'cdr', title: 'Context Dependency Rate' },
  { id: 'resurrection', title: 'Resurrection' },
  { id: 'dau', title: 'Average DAU' },
  { id: 'paid-conversion', title: 'Paid Conversion' },
] as const satisfies readonly Pick<KpiCard, 'id' | 'title'>[];

const TITLE = Object.fromEntries(KPI_CARD_TITLES.map((card) => [card.id, card.title])) as Record<
  KpiCard['id'],
  string
>;

const ARROWS: Record<Exclude<Direction, 'none'>, string> = { up: '▲', down: '▼', flat: '●' };
const signed = (value: number, text: string) =>
  value > 0 ? `+${text}` : value < 0 ? `−${text.replace('-', '')}` : text;

/** Change of a rate, in percentage points (one decimal, as the values are shown). */
export function rateDelta(current: number | null, previous: number | null): Delta {
  if (current == null) return { direction: 'none', text: 'no data in this window' };
  if (previous == null) return { direction: 'none', text: 'no earlier data' };
  const points = Math.round((current - previous) * 1000) / 10;
  if (points === 0) return { direction: 'flat', text: `${ARROWS.flat} no change` };
  const direction = points > 0 ? 'up' : 'down';
  return {
    direction,
    text: `${ARROWS[direction]} ${signed(points, Math.abs(points).toFixed(1))} pp`,
  };
}

/** Change of a count: the difference, and the relative change when the earlier value is not 0. */
export function countDelta(current: number, previous: number | null): Delta {
  if (previous == null) return { direction: 'none', text: 'no earlier data' };
  const diff = Math.round((current - previous) * 10) / 10;
  if (diff === 0) return { direction: 'flat', text: `${ARROWS.flat} no change` };
  const direction = diff > 0 ? 'up' : 'down';
  const change = ((current - previous) / previous) * 100;
  const relative = previous === 0 ? '' : ` (${signed(diff, Math.abs(change).toFixed(1))}%)`;
  return {
    direction,
    text: `${ARROWS[direction]} ${signed(diff, formatCount(Math.abs(diff)))}${relative}`,
  };
}

const NO_DATA: Delta = { direction: 'none', text: 'no data in this window' };
const NO_EARLIER_DATA: Delta = { direction: 'none', text: 'no earlier data' };
const NOT_THERE: Record<'comparing' | 'failed', Delta> = {
  comparing: { direction: 'none', text: 'comparing…' },
  failed: { direction: 'none', text: 'change not loaded' },
};

/**
 * The window before, as the cards know it: its summaries, none (`null`), still asked
 * (`'comparing'`: the page shows the numbers first) or not loaded (`'failed'`).
 */
export type PreviousWindow = KpiSummaries | null | keyof typeof NOT_THERE;

/**
 * The cards of a window against the one before. Until the previous window is there, the changes
 * say why not. A window without data on either side has no change to show: "no data in this
 * window" / "no earlier data", never a −100% that only says the phase had ended (or not yet
 * begun).
 */
export function kpiCards(current: KpiSummaries, previous: PreviousWindow): KpiCard[] {
  const before = typeof previous === 'string' ? null : previous;
  const cards = cardsOf(current, before);
  const none = isEmptyWindow(current)
    ? NO_DATA
    : typeof previous === 'string'
      ? NOT_THERE[previous]
      : before === null || isEmptyWindow(before)
        ? NO_EARLIER_DATA
        : null;
  return none ? cards.map((card) => ({ ...card, delta: none })) : cards;
}

function cardsOf(current: KpiSummaries, previous: KpiSummaries | null): KpiCard[] {
  const { cdr, resurrection, dauWau, paidConversion } = current;
  return [
    {
      id: 'cdr',
      title: TITLE.cdr,
      value: formatPercent(cdr.rate),
      details: [
        `${formatCount(cdr.dependentSessions)} of ${formatCount(cdr.sessions)} sessions loaded or resumed a context`,
      ],
      delta: rateDelta(cdr.rate, previous?.cdr.rate ?? null),
    },
    {
      id: 'resurrection',
      title: TITLE.resurrection,
      value: formatPercent(resurrection.rate),
      details: [
        `${formatCount(resurrection.resurrectedUsers)} of ${formatCount(resurrection.activeUsers)} active users came back after 7+ idle days`,
        `${formatCount(resurrection.viaContextUsers)} through “resume from context”`,
      ],
      delta: rateDelta(resurrection.rate, previous?.resurrection.rate ?? null),
    },
    {
      id: 'dau',
      title: TITLE.dau,
      value: formatCount(dauWau.avgDau),
      details: [
        `Last day: DAU ${formatCount(dauWau.dau)} · WAU ${formatCount(dauWau.wau)} · MAU ${formatCount(dauWau.mau)}`,
        `Stickiness (DAU/WAU) ${formatPercent(dauWau.stickiness)}`,
      ],
      delta: countDelta(dauWau.avgDau, previous?.dauWau.avgDau ?? null),
    },
    {
      id: 'paid-conversion',
      title: TITLE['paid-conversion'],
      value: formatPercent(paidConversion.rate),
      details: [
        `${formatCount(paidConversion.conversions)} of ${formatCount(paidConversion.eligibleUsers)} eligible users started paying`,
        `${formatCount(paidConversion.cancellations)} cancellations · ${formatCount(paidConversion.paidUsersAtEnd)} paying at the end`,
      ],
      delta: rateDelta(paidConversion.rate, previous?.paidConversion.rate ?? null),
    },
  ];
}

/**
 * A window without an active user or a session: the phase has no data there (WAU and MAU may
 * still echo the days before it, which is exactly the row of fading zeros to explain).
 */
export function isEmptyWindow(k: KpiSummaries): boolean {
  return k.cdr.sessions === 0 && k.resurrection.activeUsers === 0;
}

/**
 * What a waiting card reserves its room with, invisibly: a filled card of typical figures
 * (hundreds to thousands of users). Where the cards stand one under the other, a card is as tall
 * as its own lines, which wrap with the card's width; the waiting card wraps the same lines the
 * same way, so the numbers fill in without moving what is below (for figures of similar length).
 */
const TYPICAL: KpiSummaries = {
  cdr: { rate: 0.46, sessions: 2480, dependentSessions: 1141 },
  resurrection: { rate: 0.069, resurrectedUsers: 86, activeUsers: 1240, viaContextUsers: 31 },
  dauWau: { dau: 405, avgDau: 412.3, wau: 980, mau: 1460, stickiness: 0.413 },
  paidConversion: {
    rate: 0.037,
    conversions: 38,
    eligibleUsers: 1020,
    cancellations: 4,
    paidUsersAtEnd: 212,
  },
};
const TYPICAL_BEFORE: KpiSummaries = {
  ...TYPICAL,
  cdr: { ...TYPICAL.cdr, rate: 0.441 },
  resurrection: { ...TYPICAL.resurrection, rate: 0.061 },
  dauWau: { ...TYPICAL.dauWau, avgDau: 396.1 },
  paidConversion: { ...TYPICAL.paidConversion, rate: 0.032 },
};

export const PLACEHOLDER_CARDS = Object.fromEntries(
  kpiCards(TYPICAL, TYPICAL_BEFORE).map((card) => [card.id, card]),
) as Record<KpiCard['id'], KpiCard>;
