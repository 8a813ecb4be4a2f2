import { ProviderErrorCode, type RpcErrorData } from '../../messages/provider.ts';
import { AccountMismatchError, InvalidParamsError, OktoApiError } from '../../okto/errors.ts';
import { CompanionError } from '../companionClient.ts';
import { FlowError, toUserError } from '../errors.ts';
import { RpcForwardError } from '../wallet/index.ts';

/** An EIP-1193 error for a dApp: a code it can act on and a message a developer understands. */
export class ProviderRpcError extends Error {
  override name = 'ProviderRpcError';
  readonly code: number;
  readonly data?: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/** 4001: the user said no, or closed the window that asked. */
export const userRejected = (message = 'The user rejected the request.') =>
  new ProviderRpcError(ProviderErrorCode.userRejected, message);

/** 4100: this site is not approved (or nobody is logged in). */
export const unauthorized = (message: string) =>
  new ProviderRpcError(ProviderErrorCode.unauthorized, message);

/** -32602: the params do not fit the method. */
export const invalidParams = (message: string) =>
  new ProviderRpcError(ProviderErrorCode.invalidParams, message);

/** Turns any failure into what the dApp receives; nothing internal (stack, secret) leaks. */
export function toRpcError(error: unknown): RpcErrorData {
  if (error instanceof ProviderRpcError)
    return error.data === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, data: error.data };
  if (error instanceof InvalidParamsError)
    return { code: ProviderErrorCode.invalidParams, message: error.shortMessage };
  if (error instanceof AccountMismatchError)
    return { code: ProviderErrorCode.unauthorized, message: error.shortMessage };
  if (error instanceof RpcForwardError) return { code: error.code, message: error.message };
  if (error instanceof CompanionError)
    return {
      code: ProviderErrorCode.internal,
      message: `The signing service refused: ${error.shortMessage}`,
    };
  if (error instanceof OktoApiError)
    return {
      code: ProviderErrorCode.internal,
      message: `Okto could not complete the request: ${toUserError(error).message}`,
      ...(error.details ? { data: { details: error.details, traceId: error.traceId } } : {}),
    };
  if (error instanceof FlowError) {
    if (error.code === 'signed_out' || error.code === 'session_expired' || error.code === 'session_missing')
      return { code: ProviderErrorCode.unauthorized, message: `Not logged in to Okto: ${error.message}` };
    return {
      code: ProviderErrorCode.internal,
      message: `The Okto extension could not answer: ${error.message}`,
    };
  }
  return {
    code: ProviderErrorCode.internal,
    message: 'The Okto extension could not answer because of an internal error. Try again.',
  };
}
