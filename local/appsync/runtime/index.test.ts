import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as aliased from '@aws-appsync/utils';
import * as local from './index.ts';

// The published package, read past the vitest alias: its runtime exports are empty stand-ins.
const published = createRequire(import.meta.url)('@aws-appsync/utils') as Record<string, unknown>;

describe('index', () => {
  it('exports the same runtime names as @aws-appsync/utils', () => {
    const names = (module: object) =>
      Object.keys(module)
        .filter((name) => name !== '__esModule')
        .sort();
    expect(names(published)).toEqual(['extensions', 'runtime', 'util']);
    expect(names(local)).toEqual(names(published));
  });

  it('is what resolver code gets when it imports @aws-appsync/utils', () => {
    expect(aliased.util).toBe(local.util);
    expect(aliased.runtime).toBe(local.runtime);
    expect(aliased.extensions).toBe(local.extensions);
  });

  it('implements every member the package declares for util, runtime and extensions', () => {
    const utilMembers = [
      'escapeJavaScript',
      'urlEncode',
      'urlDecode',
      'base64Encode',
      'base64Decode',
      'autoId',
      'autoUlid',
      'autoKsuid',
      'unauthorized',
      'error',
      'appendError',
      'matches',
      'authType',
    ];
    for (const member of utilMembers)
      expect(typeof local.util[member as keyof typeof local.util], member).toBe('function');
    expect(Object.keys(local.util.time).sort()).toEqual([
      'epochMilliSecondsToFormatted',
      'epochMilliSecondsToISO8601',
      'epochMilliSecondsToSeconds',
      'nowEpochMilliSeconds',
      'nowEpochSeconds',
      'nowFormatted',
      'nowISO8601',
      'parseFormattedToEpochMilliSeconds',
      'parseISO8601ToEpochMilliSeconds',
    ]);
    expect(Object.keys(local.util.math).sort()).toEqual([
      'maxVal',
      'minVal',
      'randomDouble',
      'randomWithinRange',
      'roundNum',
    ]);
    expect(Object.keys(local.util.str)).toEqual(['normalize']);
    expect(Object.keys(local.util.transform).sort()).toEqual([
      'toDynamoDBConditionExpression',
      'toDynamoDBFilterExpression',
      'toElasticsearchQueryDSL',
      'toSubscriptionFilter',
    ]);
    expect(Object.keys(local.runtime)).toEqual(['earlyReturn']);
    expect(Object.keys(local.extensions).sort()).toEqual([
      'evictFromApiCache',
      'invalidateSubscriptions',
      'setSubscriptionFilter',
      'setSubscriptionInvalidationFilter',
    ]);
  });
});
