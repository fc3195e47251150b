/**
 * An SDK client's `endpoint` from config: none on AWS (the SDK's own), the given URL locally. An
 * empty string is refused rather than read as "none": it comes from an endpoint that was meant to
 * be set and was not, and would otherwise send the calls to AWS with local credentials.
 */
export function endpointOption(name: string, endpoint: string | undefined): { endpoint?: string } {
  if (endpoint === undefined) return {};
  if (endpoint.trim() === '') throw new Error(`${name} is empty: leave it out to use AWS, or give the local service's URL`);
  return { endpoint };
}
