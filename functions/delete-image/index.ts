import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { type InvokePayload, type LambdaResult, toLambdaResult } from '../shared/appsync-lambda.ts';
import { loadConfig } from '../shared/config.ts';
import { createS3Client } from '../shared/s3-client.ts';
import { deleteImage } from './image-deletion.ts';

const logger = new Logger({ serviceName: 'delete-image' });
const config = loadConfig();
const s3 = createS3Client(config);

/** Mutation.deleteImage, invoked by its resolver. */
export async function handler(event: InvokePayload<{ id: string }>, context: Context): Promise<LambdaResult<string>> {
  logger.addContext(context);
  const result = await toLambdaResult(() => deleteImage({ s3, config }, event.identity, event.arguments.id));
  if ('data' in result) logger.info('Image deleted', { imageId: result.data });
  else logger.info('Delete refused', result.error);
  return result;
}
