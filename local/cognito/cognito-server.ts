/**
 * cognito-local's server, composed the way its `createDefaultServer` composes it, but rooted at an
 * absolute data directory instead of `./.cognito` under the working directory, delivering codes
 * to an outbox instead of the console, with no Lambda triggers and no OAuth2 routes (none are
 * deployed; AWS serves those on a hosted domain, not on the API endpoint). front.ts serves it.
 * The password and token actions are the project's own (user-auth.ts), in front of cognito-local's.
 */
import type { RequestListener } from 'node:http';
import type { Lambda as LambdaClient } from 'aws-sdk';
import { pino } from 'pino';
import { DefaultConfig } from 'cognito-local/lib/server/config.js';
import { CognitoError } from 'cognito-local/lib/errors.js';
import { Router } from 'cognito-local/lib/server/Router.js';
import { createServer } from 'cognito-local/lib/server/server.js';
import { CognitoServiceFactoryImpl, type CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import { CryptoService } from 'cognito-local/lib/services/crypto.js';
import { StormDBDataStoreFactory } from 'cognito-local/lib/services/dataStore/stormDb.js';
import { DateClock, LambdaService, MessagesService, TriggersService } from 'cognito-local/lib/services/index.js';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery.js';
import { JwtTokenGenerator } from 'cognito-local/lib/services/tokenGenerator.js';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService.js';
import { confirmationCode } from './confirmation-code.ts';
import { OutboxSender } from './outbox.ts';
import { PASSWORD_FIELDS, passwordPolicyProblem } from './password-policy.ts';
import { POOL_SETTINGS } from './pool-settings.ts';
import { withUserAuth } from './user-auth.ts';

export interface CognitoServerOptions {
  /** Holds one StormDB JSON file per user pool plus clients.json. Must exist. */
  dbDir: string;
  outboxFile: string;
  /** Tokens' `iss` is `${issuerDomain}/${poolId}`. */
  issuerDomain: string;
  log: (line: string) => void;
}

/** The express application (for front.ts to serve) and the pool store, for seeding. */
export async function createCognitoServer(options: CognitoServerOptions): Promise<{ application: RequestListener; cognito: CognitoService }> {
  // cognito-local logs through pino; its request logs would drown `npm start`'s output.
  const logger = pino({ level: 'silent' });
  const ctx = { logger };
  const clock = new DateClock();
  const dataStores = new StormDBDataStoreFactory(options.dbDir);
  const cognito = await new CognitoServiceFactoryImpl(options.dbDir, dataStores, new UserPoolServiceFactoryImpl(clock, dataStores)).create(
    ctx,
    {},
  );
  const triggers = new TriggersService(clock, cognito, new LambdaService({}, noLambda), new CryptoService());
  const tokenConfig = { IssuerDomain: options.issuerDomain };
  const messages = new MessagesService(triggers, new MessageDeliveryService(new OutboxSender(options.outboxFile, options.log)));
  const services = {
    clock,
    cognito,
    config: { ...DefaultConfig, TokenConfig: tokenConfig },
    messages,
    // Codes from node:crypto, not cognito-local's Math.random (confirmation-code.ts).
    otp: confirmationCode,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, tokenConfig),
    triggers,
  };
  // Without `services`, cognito-local attaches no OAuth2 routes.
  const application = createServer(enforcingPasswordPolicy(withUserAuth(Router(services), { cognito, messages, otp: confirmationCode, issuerDomain: options.issuerDomain })), logger, { development: false, https: false }).application as RequestListener;
  return { application, cognito };
}

/** The router, refusing passwords the deployed policy refuses before cognito-local sees them. */
function enforcingPasswordPolicy(router: Router): Router {
  const policy = POOL_SETTINGS.Policies?.PasswordPolicy ?? {};
  return (target) => {
    const route = router(target);
    const field = PASSWORD_FIELDS[target];
    if (!field) return route;
    return (ctx, request: Record<string, unknown>) => {
      const password = request[field];
      const problem = passwordPolicyProblem(typeof password === 'string' ? password : '', policy);
      if (problem) return Promise.reject(new CognitoError('InvalidPasswordException', problem));
      return route(ctx, request);
    };
  };
}

// No trigger functions are configured, so LambdaService never calls its client.
const noLambda = {} as LambdaClient;
