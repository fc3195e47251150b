import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createTestStack } from '../../infra/testing.ts';
import { bucketCorsRules } from './cors.ts';
import { NOTIFICATIONS } from './events.ts';

/** The local bucket's rules, checked against the synthesized stack so the two cannot drift apart. */
describe('the local bucket rules', () => {
  const template = Template.fromStack(createTestStack({ corsOrigins: ['https://photos.example.com'] }).stack);

  it('notify the events and prefixes the deployed bucket notifies', () => {
    const [notifications] = Object.values(template.findResources('Custom::S3BucketNotifications'));
    const queues = (notifications?.Properties as { NotificationConfiguration: { QueueConfigurations: Array<{ Events: string[]; Filter: { Key: { FilterRules: Array<{ Name: string; Value: string }> } } }> } })
      .NotificationConfiguration.QueueConfigurations;
    const deployed = queues.flatMap((queue) =>
      queue.Events.map((event) => ({ event: event.replace(/^s3:/, ''), prefix: queue.Filter.Key.FilterRules.find((rule) => rule.Name === 'prefix')?.Value })),
    );
    const local = NOTIFICATIONS.flatMap((rule) => rule.events.map((event) => ({ event, prefix: rule.prefix })));
    expect(local).toEqual(deployed);
  });

  it('apply the deployed CORS rule', () => {
    const [bucket] = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { CorsConfiguration: {} } }));
    const [deployed] = (bucket?.Properties as { CorsConfiguration: { CorsRules: Record<string, unknown>[] } }).CorsConfiguration.CorsRules;
    const [local] = bucketCorsRules(['https://photos.example.com']);
    expect({ AllowedOrigins: local?.allowedOrigins, AllowedMethods: local?.allowedMethods, AllowedHeaders: local?.allowedHeaders, ExposedHeaders: local?.exposedHeaders, MaxAge: local?.maxAge }).toEqual(deployed);
  });
});
