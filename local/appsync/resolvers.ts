/**
 * The deployed resolvers, loaded as AppSync runs them: the bundles CDK deploys (bundleResolvers),
 * each in its own sandbox, each wired to its data source (RESOLVER_WIRING).
 */
import { MAX_RESOLVER_CODE_BYTES, bundleResolvers, checkResolverWiring, type ResolverBundle } from '../../infra/resolver-bundles.ts';
import { RESOLVER_WIRING, type DataSourceRef } from '../../infra/resolver-wiring.ts';
import { ResolverSandbox } from './sandbox/resolver-sandbox.ts';

export interface LoadedResolver {
  coordinate: string;
  sandbox: ResolverSandbox;
  dataSource: DataSourceRef;
}

/** Default time budget for one handler call; AppSync's own limit on a whole request is 30 s. */
export const DEFAULT_HANDLER_BUDGET_MS = 1_000;

export async function loadResolvers(
  budgetMs = DEFAULT_HANDLER_BUDGET_MS,
  bundles: ResolverBundle[] = bundleResolvers(),
  wiring: Record<string, DataSourceRef> = RESOLVER_WIRING,
): Promise<Map<string, LoadedResolver>> {
  checkResolverWiring(bundles, Object.keys(wiring));
  const loaded = new Map<string, LoadedResolver>();
  for (const bundle of bundles) {
    const coordinate = `${bundle.typeName}.${bundle.fieldName}`;
    const bytes = Buffer.byteLength(bundle.code, 'utf8');
    if (bytes > MAX_RESOLVER_CODE_BYTES) {
      throw new Error(`${coordinate}: code is ${bytes} bytes, over AppSync's limit of ${MAX_RESOLVER_CODE_BYTES}`);
    }
    const dataSource = wiring[coordinate];
    if (!dataSource) throw new Error(`${coordinate} has no data source wiring`);
    loaded.set(coordinate, { coordinate, sandbox: await ResolverSandbox.create(coordinate, bundle.code, budgetMs), dataSource });
  }
  return loaded;
}
