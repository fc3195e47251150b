/** Errors as AppSync reports them, outside of field resolution (request-level failures). */
export interface AppSyncErrorBody {
  errorType: string;
  message: string;
  errorCode?: number;
}

/** A request AppSync refuses as a whole: the HTTP status and the error object of its body. */
export class RequestRefused extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }

  toBody(): { errors: AppSyncErrorBody[] } {
    return { errors: [{ errorType: this.errorType, message: this.message }] };
  }
}

export const unauthorized = (message: string) => new RequestRefused(401, 'UnauthorizedException', message);
