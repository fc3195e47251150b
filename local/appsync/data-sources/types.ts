/** What a data source gives the response handler: `ctx.result`, or `ctx.error` as AppSync shapes it. */
export type DataSourceOutcome = { result: unknown } | { error: { message: string; type: string } };
