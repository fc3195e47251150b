import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { LambdaResult } from '../shared/appsync-lambda.ts';
import { loadConfig } from '../shared/config.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { type SignUrlRequest, signDownloadUrls } from './download-urls.ts';

const logger = new Logger({ serviceName: 'sign-urls' });
const config = loadConfig();
const s3 = createS3Client(config);

/** Image.originalUrl and Thumbnail.url through BatchInvoke: one result per request, in order. */
export async function handler(event: SignUrlRequest[], context: Context): Promise<LambdaResult<string | null>[]> {
  logger.addContext(context);
  const results = await signDownloadUrls({ s3, config }, event);
  const refused = results.filter((result) => 'error' in result).length;
  // A refusal means a resolver asked for a key its caller does not own: worth a look.
  if (refused > 0) logger.warn('Refused to sign some keys', { requested: event.length, refused });
  return results;
}
