import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { type InvokePayload, type LambdaResult, toLambdaResult } from '../shared/appsync-lambda.ts';
import { loadConfig } from '../shared/config.ts';
import { createS3Client } from '../shared/s3-client.ts';
import type { RequestUploadInput, UploadTicket } from '../../schema/generated/graphql.ts';
import { requestUpload } from './upload-ticket.ts';

const logger = new Logger({ serviceName: 'request-upload' });
const config = loadConfig();
const s3 = createS3Client(config);

/** Mutation.requestUpload, invoked by its resolver. */
export async function handler(
  event: InvokePayload<{ input: RequestUploadInput }>,
  context: Context,
): Promise<LambdaResult<UploadTicket>> {
  logger.addContext(context);
  const result = await toLambdaResult(() => requestUpload({ s3, config }, event.identity, event.arguments.input));
  if ('data' in result) logger.info('Upload ticket issued', { imageId: result.data.imageId });
  else logger.info('Upload refused', result.error);
  return result;
}
