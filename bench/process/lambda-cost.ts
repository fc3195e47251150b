/**
 * AWS Lambda cost of the measured core, arm64, us-east-1, first pricing tier, no free tier.
 * Prices as listed on https://aws.amazon.com/lambda/pricing/ (looked up for this benchmark):
 * $0.0000133334 per GB-second on arm64 and $0.20 per million requests.
 */
export const LAMBDA_PRICING = {
  region: 'us-east-1',
  architecture: 'arm64',
  usdPerGbSecond: 0.0000133334,
  usdPerMillionRequests: 0.2,
  /** Lambda allocates CPU in proportion to memory; one full vCPU at 1,769 MB. */
  fullVcpuAtMb: 1769,
} as const;

/** The seed workshop's own estimate, for comparison. */
export const WORKSHOP_ESTIMATE = { images: 200_000_000, usd: 13_369.13 } as const;

/** Share of one vCPU a function of this memory size gets. */
export function cpuShare(memoryMb: number): number {
  return Math.min(1, memoryMb / LAMBDA_PRICING.fullVcpuAtMb);
}

/** USD per million invocations of this duration (billed per started millisecond) at this memory. */
export function usdPerMillion(durationMs: number, memoryMb: number): number {
  const gbSeconds = (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
  return 1e6 * gbSeconds * LAMBDA_PRICING.usdPerGbSecond + LAMBDA_PRICING.usdPerMillionRequests;
}
