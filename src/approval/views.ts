import type { FunctionComponent } from 'preact';
import type { PendingRequestKind, PendingRequestView } from '../messages/provider.ts';
import { CallsView } from './CallsView.tsx';
import { ConnectView } from './ConnectView.tsx';
import { MessageView } from './MessageView.tsx';
import { TransactionView } from './TransactionView.tsx';
import { TypedDataView } from './TypedDataView.tsx';

/** One view per kind of request; a new kind adds its view (and its title) here. */
export const views: { [K in PendingRequestKind]: FunctionComponent<{ request: PendingRequestView<K> }> } = {
  connect: ConnectView,
  message: MessageView,
  typedData: TypedDataView,
  transaction: TransactionView,
  calls: CallsView,
};

/** The line above the site, per kind. */
export const titles: { [K in PendingRequestKind]: string } = {
  connect: 'Connection request',
  message: 'Signature request',
  typedData: 'Typed data signature',
  transaction: 'Transaction request',
  calls: 'Batch of calls',
};

/** The view of `request`'s kind. */
export function viewOf(request: PendingRequestView): FunctionComponent<{ request: PendingRequestView }> {
  return views[request.kind] as FunctionComponent<{ request: PendingRequestView }>;
}
