/**
 * A deployment's outputs (the local cloud's `.imagegraph/outputs.json` or one stack's entry of a
 * `cdk deploy --outputs-file` file) as Amplify JS v6's configuration, so an Amplify app talks to
 * either unchanged:
 * - `amplifyConfigure`: the object `Amplify.configure` takes (`ResourcesConfig`), local and AWS.
 *   Locally it carries Cognito's endpoint (`userPoolEndpoint`, plain http: Amplify accepts it, and
 *   browsers let https pages call http://127.0.0.1) and the API's https endpoint (Amplify opens
 *   real-time as wss:// on the GraphQL endpoint's host and port, whatever its scheme).
 * - `amplifyOutputs`: the Gen 2 `amplify_outputs.json` shape (`Amplify.configure` takes it too),
 *   AWS only: it has no field for a Cognito endpoint, so Amplify would send the local cloud's
 *   users to AWS's regional Cognito.
 * Types only from aws-amplify: nothing of it runs here.
 */
import type { ResourcesConfig } from 'aws-amplify';
import { LOCAL_OUTPUT_KEYS, OUTPUT_KEYS, type StackOutputs } from '../../../infra/stack-outputs.ts';

/** amplify_outputs.json, as far as this project's backend fills it (@aws-amplify/core's AmplifyOutputs). */
export interface AmplifyOutputsFile {
  version: string;
  auth: {
    aws_region: string;
    user_pool_id: string;
    user_pool_client_id: string;
    username_attributes: string[];
    standard_required_attributes: string[];
    user_verification_types: string[];
  };
  data: {
    aws_region: string;
    url: string;
    default_authorization_type: string;
    authorization_types: string[];
  };
}

/**
 * The user pool as infra/constructs/auth.ts makes it: users sign in with their email, which is
 * required and verified with a code. The API as infra/constructs/api.ts makes it: user pool tokens
 * by default, IAM (the backend's) as well.
 */
const USER_POOL = { usernameAttribute: 'email', verification: 'code' } as const;
const API_AUTH = { default: 'AMAZON_COGNITO_USER_POOLS', additional: ['AWS_IAM'] } as const;

/** Whether outputs are the local cloud's: only it writes a Cognito endpoint. */
export function isLocalOutputs(outputs: StackOutputs): boolean {
  return outputs[LOCAL_OUTPUT_KEYS.cognitoEndpoint] !== undefined;
}

/** The GraphQL endpoint an Amplify app should use: https locally when the cloud serves TLS (it does since the local CA). */
function graphqlEndpoint(outputs: StackOutputs): string {
  return outputs[LOCAL_OUTPUT_KEYS.graphqlTlsUrl] ?? outputs[OUTPUT_KEYS.graphqlUrl];
}

/** `Amplify.configure(amplifyConfigure(outputs))`, for the local cloud and AWS alike. */
export function amplifyConfigure(outputs: StackOutputs): ResourcesConfig {
  const cognitoEndpoint = outputs[LOCAL_OUTPUT_KEYS.cognitoEndpoint];
  return {
    Auth: {
      Cognito: {
        userPoolId: outputs[OUTPUT_KEYS.userPoolId],
        userPoolClientId: outputs[OUTPUT_KEYS.userPoolClientId],
        ...(cognitoEndpoint ? { userPoolEndpoint: cognitoEndpoint } : {}),
        loginWith: { email: true },
        signUpVerificationMethod: USER_POOL.verification,
        userAttributes: { [USER_POOL.usernameAttribute]: { required: true } },
      },
    },
    API: {
      GraphQL: {
        endpoint: graphqlEndpoint(outputs),
        region: outputs[OUTPUT_KEYS.region],
        defaultAuthMode: 'userPool',
      },
    },
  };
}

/** The Gen 2 `amplify_outputs.json` of an AWS deployment; refuses the local cloud's outputs (see above). */
export function amplifyOutputs(outputs: StackOutputs): AmplifyOutputsFile {
  if (isLocalOutputs(outputs)) {
    throw new Error(
      "amplify_outputs.json has no field for a Cognito endpoint, so Amplify would send the local cloud's users to AWS: " +
        'use the Amplify.configure format for the local cloud',
    );
  }
  const region = outputs[OUTPUT_KEYS.region];
  return {
    version: '1',
    auth: {
      aws_region: region,
      user_pool_id: outputs[OUTPUT_KEYS.userPoolId],
      user_pool_client_id: outputs[OUTPUT_KEYS.userPoolClientId],
      username_attributes: [USER_POOL.usernameAttribute],
      standard_required_attributes: [USER_POOL.usernameAttribute],
      user_verification_types: [USER_POOL.usernameAttribute],
    },
    data: {
      aws_region: region,
      url: outputs[OUTPUT_KEYS.graphqlUrl],
      default_authorization_type: API_AUTH.default,
      authorization_types: [...API_AUTH.additional],
    },
  };
}
