import type { ApexOptions } from 'apexcharts';
import { formatMs } from '../format';
import type { TraceDaysQuery } from '../gql/graphql';
import { type ChartSpec, dailyChart, dayMs, integer, PALETTE, points } from './base';

/** Charts of the channel breakdown, event volume, error groups and operation latencies. */
export interface ChannelUsage {
  channel: string;
  series: readonly { day: string; activeUsers: number; sessions: number }[];
}

export function channelDauChart(channels: readonly ChannelUsage[], today: string): ChartSpec {
  const days = channels[0]?.series ?? [];
  return {
    type: 'line',
    options: dailyChart({
      yTitle: 'Active users',
      yFormat: integer,
      lastDay: days.at(-1)?.day,
      today,
    }),
    series: channels.map((c) => ({
      name: `${c.channel.toLowerCase()} DAU`,
      data: points(c.series, (p) => p.activeUsers),
    })),
    csv: {
      header: ['channel', 'day', 'activeUsers', 'sessions'],
      rows: channels.flatMap((c) =>
        c.series.map((p) => [c.channel, p.day, p.activeUsers, p.sessions]),
      ),
    },
  };
}

export interface EventVolume {
  eventName: string | null;
  count: number;
  users: number;
}

export function eventVolumeChart(rows: readonly EventVolume[]): ChartSpec {
  const sorted = [...rows].sort((a, b) => b.count - a.count);
  return {
    type: 'bar',
    options: {
      chart: { toolbar: { show: false }, animations: { enabled: false }, fontFamily: 'inherit' },
      colors: PALETTE,
      plotOptions: { bar: { horizontal: true, barHeight: '70%' } },
      dataLabels: { enabled: false },
      xaxis: {
        categories: sorted.map((r) => (r.eventName ?? '').toLowerCase()),
        title: { text: 'Events in the window' },
        labels: { formatter: (v: string) => integer(Number(v)) },
      },
      yaxis: { title: { text: 'Event' } },
      tooltip: { y: { formatter: (v: number) => `${integer(v)} events` } },
      legend: { show: true, position: 'top', horizontalAlign: 'left', showForSingleSeries: true },
      grid: { borderColor: '#e9ecef' },
    },
    series: [{ name: 'Events', data: sorted.map((r) => r.count) }],
    csv: {
      header: ['eventName', 'count', 'users'],
      rows: sorted.map((r) => [r.eventName, r.count, r.users]),
    },
  };
}

/** The small chart beside an error group: daily counts, tooltip on hover. */
export function errorSparkline(series: readonly { day: string; count: number }[]): ChartSpec {
  const options: ApexOptions = {
    chart: { sparkline: { enabled: true }, animations: { enabled: false } },
    colors: ['#c92a2a'],
    plotOptions: { bar: { columnWidth: '80%' } },
    xaxis: { type: 'datetime', labels: { datetimeUTC: true } },
    tooltip: {
      x: { show: true, format: 'dd MMM yyyy (UTC)' },
      y: { formatter: (v: number) => `${integer(v)} errors`, title: { formatter: () => '' } },
    },
  };
  return {
    type: 'bar',
    options,
    series: [{ name: 'Errors', data: series.map((p) => ({ x: dayMs(p.day), y: p.count })) }],
    csv: { header: ['day', 'count'], rows: series.map((p) => [p.day, p.count]) },
  };
}

/** One operation's latency on one UTC day, as the performance page's `TraceDays` query returns it. */
export type TraceDay = TraceDaysQuery['traceDailyStats'][number];

/** An operation's daily latency, p95 first (what the page opens to), p50 for scale. */
export function traceDailyChart(rows: readonly TraceDay[], today: string): ChartSpec {
  return {
    type: 'line',
    options: {
      ...dailyChart({
        yTitle: 'Duration (ms)',
        yFormat: formatMs,
        lastDay: rows.at(-1)?.day,
        today,
      }),
      markers: { size: 3 },
    },
    series: [
      { name: 'p95', data: points(rows, (p) => p.p95) },
      { name: 'p50 (median)', data: points(rows, (p) => p.p50) },
    ],
    csv: {
      header: ['day', 'count', 'successRate', 'p50', 'p95', 'p99', 'max'],
      rows: rows.map((p) => [p.day, p.count, p.successRate, p.p50, p.p95, p.p99, p.max]),
    },
  };
}
