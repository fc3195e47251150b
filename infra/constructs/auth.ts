import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  VerificationEmailStyle,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export interface AuthProps {
  /** Cognito feature plan PLUS with threat protection enforced, instead of ESSENTIALS. */
  threatProtection: boolean;
}

/** Who the users are: a Cognito user pool signing in by email, and the web/CLI app client. */
export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: true,
      autoVerify: { email: true },
      // Until a changed address is verified, users keep signing in with the old one.
      keepOriginal: { email: true },
      userVerification: { emailStyle: VerificationEmailStyle.CODE },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: props.threatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: props.threatProtection ? StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      // The pool holds every account; losing it orphans every user's images.
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.userPoolClient = this.userPool.addClient('AppClient', {
      // Public clients (browser, CLI) cannot keep a secret.
      generateSecret: false,
      // SRP only (web app, CLI, explorer, Amplify): the password never leaves the user's device.
      // No USER_PASSWORD_AUTH; refresh tokens are always on.
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // No hosted UI: CDK would otherwise enable OAuth flows with an example.com callback.
      disableOAuth: true,
    });

    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is OPTIONAL with TOTP so users can turn it on; requiring it would force every user of a photo app through authenticator setup at sign-up, and the pool already has a 12-character all-classes password policy.',
    );
    if (!props.threatProtection) {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG8',
        'The PLUS feature plan (threat protection) is billed per monthly active user; it is off by default to keep the idle cost at zero and one setting (threatProtection: true) away.',
      );
    }
  }
}
