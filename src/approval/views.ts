import type { FunctionComponent } from 'preact';
import type { PendingRequestKind, PendingRequestView } from '../messages/provider.ts';
import { ConnectView } from './ConnectView.tsx';

/** One view per kind of request; a new kind adds its view (and its title) here. */
export const views: { [K in PendingRequestKind]: FunctionComponent<{ request: PendingRequestView<K> }> } = {
  connect: ConnectView,
};

/** The line above the site, per kind. */
export const titles: { [K in PendingRequestKind]: string } = {
  connect: 'Connection request',
};

/** The view of `request`'s kind. */
export function viewOf(request: PendingRequestView): FunctionComponent<{ request: PendingRequestView }> {
  return views[request.kind] as FunctionComponent<{ request: PendingRequestView }>;
}
