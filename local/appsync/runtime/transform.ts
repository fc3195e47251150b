// util.transform, as documented in "Transformation helpers in util.transform". The DynamoDB helpers
// are left out: ImageGraph has no DynamoDB data source.
import type { Util } from '@aws-appsync/utils';
import { toElasticsearchQueryDSL } from './opensearch-query.ts';
import { toSubscriptionFilter } from './subscription-filter.ts';
import { unavailable } from './unavailable.ts';

export const transform: Util['transform'] = {
  toDynamoDBFilterExpression: () => unavailable('util.transform.toDynamoDBFilterExpression'),
  toDynamoDBConditionExpression: () => unavailable('util.transform.toDynamoDBConditionExpression'),
  toElasticsearchQueryDSL,
  toSubscriptionFilter,
};
