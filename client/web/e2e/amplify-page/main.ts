/**
 * The browser side of the Amplify conformance test: the same flow as in Node
 * (local/e2e/amplify/flow.ts), with the configuration and the photo fetched from the page's server
 * and the confirmation code asked of the test (Playwright's exposeFunction).
 */
import type { ResourcesConfig } from 'aws-amplify';
import { type AmplifyFlowReport, runAmplifyFlow } from '../../../../local/e2e/amplify/flow.ts';

declare global {
  interface Window {
    confirmationCode(email: string): Promise<string>;
    runFlow(): Promise<AmplifyFlowReport>;
  }
}

window.runFlow = async () => {
  const config = (await (await fetch('/config.json')).json()) as ResourcesConfig;
  const image = await (await fetch('/photo.png')).blob();
  return runAmplifyFlow(config, { confirmationCode: (email) => window.confirmationCode(email), image, processedWithinMs: 60_000 });
};
