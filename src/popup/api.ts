import browser from 'webextension-polyfill';
import type {
  LoginMethodsResponse,
  LoginRequest,
  LoginResponse,
  LoginView,
  LoginViewChanged,
  SettingsResponse,
} from '../messages/login.ts';

type Answer<request extends LoginRequest> = request extends { type: 'settings/get' | 'settings/save' }
  ? SettingsResponse
  : request extends { type: 'login/getView' }
    ? LoginView
    : request extends { type: 'login/getMethods' }
      ? LoginMethodsResponse
      : LoginResponse;

/** Sends a request to the service worker and returns its typed answer. */
export function send<request extends LoginRequest>(request: request): Promise<Answer<request>> {
  return browser.runtime.sendMessage(request) as Promise<Answer<request>>;
}

/** Calls `listener` whenever the worker reports a new login view; returns the unsubscribe function. */
export function onViewChanged(listener: (view: LoginView) => void): () => void {
  const handler = (message: unknown) => {
    if (
      typeof message === 'object' &&
      message !== null &&
      (message as LoginViewChanged).type === 'login/viewChanged'
    )
      listener((message as LoginViewChanged).view);
  };
  browser.runtime.onMessage.addListener(handler);
  return () => browser.runtime.onMessage.removeListener(handler);
}
