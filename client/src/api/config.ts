import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS, parseStackOutputs } from '../../../infra/stack-outputs.ts';

/** What a client (web app or CLI) needs to reach one deployment. */
export interface ClientConfig {
  graphqlUrl: string;
  realtimeUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  /** Set only for the local cloud; unset means AWS's regional Cognito endpoint. */
  cognitoEndpoint?: string;
}

/**
 * The outputs record inside a parsed outputs file: a CDK outputs file nests it under the stack
 * name (one entry per stack); the local cloud's file does not.
 */
export function outputsRecord(parsed: unknown): unknown {
  if (typeof parsed !== 'object' || parsed === null) return parsed;
  const values = Object.values(parsed);
  const nested = values.length === 1 && typeof values[0] === 'object' && values[0] !== null;
  return nested ? values[0] : parsed;
}

/** The client's view of a parsed outputs file (either format); names every missing key. */
export function clientConfigFromOutputs(parsed: unknown): ClientConfig {
  const record = outputsRecord(parsed);
  const outputs = parseStackOutputs(record);
  const cognitoEndpoint = (record as Record<string, unknown>)[LOCAL_OUTPUT_KEYS.cognitoEndpoint];
  return {
    graphqlUrl: outputs[OUTPUT_KEYS.graphqlUrl],
    realtimeUrl: outputs[OUTPUT_KEYS.realtimeUrl],
    region: outputs[OUTPUT_KEYS.region],
    userPoolId: outputs[OUTPUT_KEYS.userPoolId],
    userPoolClientId: outputs[OUTPUT_KEYS.userPoolClientId],
    ...(typeof cognitoEndpoint === 'string' && cognitoEndpoint !== '' ? { cognitoEndpoint } : {}),
  };
}
