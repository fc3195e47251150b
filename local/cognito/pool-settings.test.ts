import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, it } from 'vitest';
import { createTestStack } from '../../infra/testing.ts';
import { CLIENT_SETTINGS, POOL_SETTINGS } from './pool-settings.ts';

describe('the local pool settings', () => {
  it('are the deployed ones', () => {
    const template = Template.fromStack(createTestStack().stack);
    template.hasResourceProperties('AWS::Cognito::UserPool', Match.objectLike(POOL_SETTINGS));
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', Match.objectLike(CLIENT_SETTINGS));
  });
});
