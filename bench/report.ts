/**
 * How every benchmark reports: a readable table, then, as the very last line, one JSON object with
 * its figures, its goals and whether all goals were met (CI and `npm run bench` read that line).
 */
export interface Goal {
  /** What is compared, e.g. "largest bundle / AppSync limit". */
  name: string;
  value: number;
  /** The goal holds when value <= max. */
  max: number;
}

export interface BenchReport {
  benchmark: string;
  figures: Record<string, number | string>;
  goals: Goal[];
}

/** notes (optional): lines printed after the goals, before the JSON line. */
export function printReport(report: BenchReport, rows: (string | number)[][], header: string[], notes: string[] = []): void {
  const table = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(`\n${report.benchmark}\n`);
  console.log(line(table[0] ?? []));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of table.slice(1)) console.log(line(row));
  console.log('\nGoals');
  for (const goal of report.goals) {
    console.log(`  ${goal.value <= goal.max ? 'met ' : 'MISS'}  ${goal.name}: ${round(goal.value)} (goal <= ${goal.max})`);
  }
  if (notes.length) console.log(`\n${notes.join('\n')}`);
  const met = report.goals.every((goal) => goal.value <= goal.max);
  console.log(JSON.stringify({ ...report, goals: report.goals.map((goal) => ({ ...goal, value: round(goal.value) })), met }));
}

export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Median of repeated timings: robust to the noise of a shared machine. */
export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
