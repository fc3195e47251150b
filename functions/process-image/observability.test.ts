import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { recordOutcome } from './observability.ts';

/** Records what recordOutcome logs and counts: the two calls it makes on each. */
function recorders() {
  const logged: [string, string, unknown][] = [];
  const metrics: [string, number][] = [];
  const logger = {
    info: (message: string, extra?: unknown) => logged.push(['info', message, extra]),
    warn: (message: string, extra?: unknown) => logged.push(['warn', message, extra]),
  } as unknown as Logger;
  const metricsRecorder = { addMetric: (name: string, _unit: string, value: number) => metrics.push([name, value]) } as unknown as Metrics;
  return { logger, metrics: metricsRecorder, logged, counted: metrics };
}

describe('recordOutcome of a deletion', () => {
  it('counts the re-pointed copies', () => {
    const { logger, metrics, logged, counted } = recorders();
    recordOutcome(metrics, logger, { result: 'deleted', imageId: 'a', copies: { repointed: 3, capped: false } });
    expect(counted).toEqual([
      ['ImagesDeleted', 1],
      ['CopiesRepointed', 3],
    ]);
    expect(logged).toEqual([['info', 'Image deleted', { repointedCopies: 3 }]]);
  });

  it('warns when the cap left copies pointing at the deleted image', () => {
    const { logger, metrics, logged } = recorders();
    recordOutcome(metrics, logger, { result: 'deleted', imageId: 'a', copies: { repointed: 500, capped: true } });
    expect(logged.at(-1)).toEqual(['warn', 'More than 500 images pointed at the deleted image: the later ones still do', { repointedCopies: 500 }]);
  });
});

describe('recordOutcome of a postponed event', () => {
  it('counts it and the copies re-pointed before, and warns that SQS will deliver it again', () => {
    const { logger, metrics, logged, counted } = recorders();
    recordOutcome(metrics, logger, { result: 'postponed', imageId: 'a', why: 'out of time re-pointing its copies', repointed: 4 });
    expect(counted).toEqual([
      ['EventsPostponed', 1],
      ['CopiesRepointed', 4],
    ]);
    expect(logged).toEqual([['warn', 'Out of time in this invocation: SQS will deliver the event again', { why: 'out of time re-pointing its copies', repointedCopies: 4 }]]);
  });
});

describe('recordOutcome of an event abandoned at the deadline', () => {
  it('counts it and warns that SQS will deliver it again', () => {
    const { logger, metrics, logged, counted } = recorders();
    recordOutcome(metrics, logger, { result: 'timedOut', imageId: 'a' });
    expect(counted).toEqual([['EventsTimedOut', 1]]);
    expect(logged).toEqual([['warn', "Still running at the invocation's deadline: abandoned; SQS will deliver the event again", undefined]]);
  });
});
