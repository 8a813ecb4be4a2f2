import * as v from 'valibot';
import type { Address, Hex } from 'viem';
import type { IntentType } from './intents.ts';
import type { Order } from './orders.ts';
import { createOktoRequest, type OktoClientOptions } from './request.ts';
import { isUncompressedPublicKey } from './sessionKey.ts';
import { parseSignMessageResponse, type SignMessageRequest } from './signMessage.ts';
import { type SignedUserOperation, toWireUserOp } from './userOp.ts';

// Wallet spec §2–5: the Bearer calls after login. Each answer is validated on Okto's wire keys
// (snake_case) and handed over camelCased in this module's types; extra keys are dropped, a missing
// one fails the call with `OktoApiError` (`invalid-response`) naming it.

const str = v.string();
const num = v.number();
const bool = v.boolean();
const address = v.pipe(v.string(), v.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte 0x address'));

/** An entry of `/wallets`: the user's address on one network (on EVM, `eth_accounts[0]`, not `userSWA`). */
export type UserWallet = {
  caipId: string;
  networkName: string;
  address: string;
  networkId: string;
  networkSymbol: string;
};

export const UserWalletSchema = v.pipe(
  v.object({ caip_id: str, network_name: str, address: str, network_id: str, network_symbol: str }),
  v.transform(
    (w): UserWallet => ({
      caipId: w.caip_id,
      networkName: w.network_name,
      address: w.address,
      networkId: w.network_id,
      networkSymbol: w.network_symbol,
    }),
  ),
);

/** A network of `/supported/networks`: the client's enabled chains and their policy flags. */
export type SupportedNetwork = {
  caipId: string;
  networkName: string;
  /** Decimal string, `"84532"`. */
  chainId: string;
  logo: string;
  sponsorshipEnabled: boolean;
  gsnEnabled: boolean;
  type: 'EVM' | 'APT' | 'SVM' | (string & {});
  networkId: string;
  onrampEnabled: boolean;
  whitelisted: boolean;
  /** Local emulator only: where read-only JSON-RPC calls go. */
  rpcUrl?: string;
};

export const SupportedNetworkSchema = v.pipe(
  v.object({
    caip_id: str,
    network_name: str,
    chain_id: str,
    logo: str,
    sponsorship_enabled: bool,
    gsn_enabled: bool,
    type: str,
    network_id: str,
    onramp_enabled: bool,
    whitelisted: bool,
    rpc_url: v.optional(str),
  }),
  v.transform(
    (n): SupportedNetwork => ({
      caipId: n.caip_id,
      networkName: n.network_name,
      chainId: n.chain_id,
      logo: n.logo,
      sponsorshipEnabled: n.sponsorship_enabled,
      gsnEnabled: n.gsn_enabled,
      type: n.type,
      networkId: n.network_id,
      onrampEnabled: n.onramp_enabled,
      whitelisted: n.whitelisted,
      ...(n.rpc_url === undefined ? {} : { rpcUrl: n.rpc_url }),
    }),
  ),
);

/** A token of `/supported/tokens`. */
export type SupportedToken = {
  /** `""` for the native token. */
  address: string;
  caipId: string;
  symbol: string;
  image: string;
  name: string;
  shortName: string;
  id: string;
  groupId: string;
  isPrimary: boolean;
  networkId: string;
  networkName: string;
  onrampEnabled: boolean;
  whitelisted: boolean;
  /** Decimal string. */
  decimals: string;
  /** Display digits, decimal string. */
  precision: string;
};

export const SupportedTokenSchema = v.pipe(
  v.object({
    address: str,
    caip_id: str,
    symbol: str,
    image: str,
    name: str,
    short_name: str,
    id: str,
    group_id: str,
    is_primary: bool,
    network_id: str,
    network_name: str,
    onramp_enabled: bool,
    whitelisted: bool,
    decimals: str,
    precision: str,
  }),
  v.transform(
    (t): SupportedToken => ({
      address: t.address,
      caipId: t.caip_id,
      symbol: t.symbol,
      image: t.image,
      name: t.name,
      shortName: t.short_name,
      id: t.id,
      groupId: t.group_id,
      isPrimary: t.is_primary,
      networkId: t.network_id,
      networkName: t.network_name,
      onrampEnabled: t.onramp_enabled,
      whitelisted: t.whitelisted,
      decimals: t.decimals,
      precision: t.precision,
    }),
  ),
);

/** A holding of the aggregated portfolio. Amounts are decimal strings in human units. */
export type PortfolioToken = {
  id: string;
  name: string;
  symbol: string;
  shortName: string;
  tokenImage: string;
  tokenAddress: string;
  networkId: string;
  precision: string;
  networkName: string;
  isPrimary: boolean;
  balance: string;
  holdingsPriceUsdt: string;
  holdingsPriceInr: string;
};

/** A top-level holding: one token (`tokens: null`) or a group of the same asset on several chains. */
export type PortfolioGroupToken = PortfolioToken & {
  groupId: string;
  aggregationType: 'token' | 'group' | (string & {});
  tokens: PortfolioToken[] | null;
};

/** `/aggregated-portfolio` (v1). */
export type Portfolio = {
  aggregatedData: {
    holdingsCount: string;
    holdingsPriceInr: string;
    holdingsPriceUsdt: string;
    totalHoldingPriceInr: string;
    totalHoldingPriceUsdt: string;
  };
  groupTokens: PortfolioGroupToken[];
};

const portfolioTokenEntries = {
  id: str,
  name: str,
  symbol: str,
  short_name: str,
  token_image: str,
  token_address: str,
  network_id: str,
  precision: str,
  network_name: str,
  is_primary: bool,
  balance: str,
  holdings_price_usdt: str,
  holdings_price_inr: str,
};
type PortfolioTokenWire = v.InferOutput<v.ObjectSchema<typeof portfolioTokenEntries, undefined>>;
const portfolioToken = (t: PortfolioTokenWire): PortfolioToken => ({
  id: t.id,
  name: t.name,
  symbol: t.symbol,
  shortName: t.short_name,
  tokenImage: t.token_image,
  tokenAddress: t.token_address,
  networkId: t.network_id,
  precision: t.precision,
  networkName: t.network_name,
  isPrimary: t.is_primary,
  balance: t.balance,
  holdingsPriceUsdt: t.holdings_price_usdt,
  holdingsPriceInr: t.holdings_price_inr,
});

export const PortfolioSchema = v.pipe(
  v.object({
    aggregated_data: v.object({
      holdings_count: str,
      holdings_price_inr: str,
      holdings_price_usdt: str,
      total_holding_price_inr: str,
      total_holding_price_usdt: str,
    }),
    group_tokens: v.array(
      v.object({
        ...portfolioTokenEntries,
        group_id: str,
        aggregation_type: str,
        tokens: v.nullable(v.array(v.object(portfolioTokenEntries))),
      }),
    ),
  }),
  v.transform(
    (p): Portfolio => ({
      aggregatedData: {
        holdingsCount: p.aggregated_data.holdings_count,
        holdingsPriceInr: p.aggregated_data.holdings_price_inr,
        holdingsPriceUsdt: p.aggregated_data.holdings_price_usdt,
        totalHoldingPriceInr: p.aggregated_data.total_holding_price_inr,
        totalHoldingPriceUsdt: p.aggregated_data.total_holding_price_usdt,
      },
      groupTokens: p.group_tokens.map((g) => ({
        ...portfolioToken(g),
        groupId: g.group_id,
        aggregationType: g.aggregation_type,
        tokens: g.tokens === null ? null : g.tokens.map(portfolioToken),
      })),
    }),
  ),
);

/** An entry of `/portfolio/activity`. Times are unix seconds; `amount`/`quantity` have 18 fraction digits. */
export type ActivityEntry = {
  symbol: string;
  image: string;
  name: string;
  shortName: string;
  id: string;
  groupId: string;
  description: string;
  quantity: string;
  amount: string;
  orderType: string;
  transferType: 'DEPOSIT' | 'WITHDRAWAL' | (string & {});
  status: boolean;
  createdAt: number;
  updatedAt: number;
  timestamp: number;
  /** The target-chain hash. */
  txHash: string;
  networkId: string;
  networkName: string;
  networkExplorerUrl: string;
  networkSymbol: string;
  caipId: string;
};

export type PortfolioActivity = { count: number; activity: ActivityEntry[] };

export const PortfolioActivitySchema = v.pipe(
  v.object({
    count: num,
    activity: v.array(
      v.object({
        symbol: str,
        image: str,
        name: str,
        short_name: str,
        id: str,
        group_id: str,
        description: str,
        quantity: str,
        amount: str,
        order_type: str,
        transfer_type: str,
        status: bool,
        created_at: num,
        updated_at: num,
        timestamp: num,
        tx_hash: str,
        network_id: str,
        network_name: str,
        network_explorer_url: str,
        network_symbol: str,
        caip_id: str,
      }),
    ),
  }),
  v.transform(
    (a): PortfolioActivity => ({
      count: a.count,
      activity: a.activity.map((e) => ({
        symbol: e.symbol,
        image: e.image,
        name: e.name,
        shortName: e.short_name,
        id: e.id,
        groupId: e.group_id,
        description: e.description,
        quantity: e.quantity,
        amount: e.amount,
        orderType: e.order_type,
        transferType: e.transfer_type,
        status: e.status,
        createdAt: e.created_at,
        updatedAt: e.updated_at,
        timestamp: e.timestamp,
        txHash: e.tx_hash,
        networkId: e.network_id,
        networkName: e.network_name,
        networkExplorerUrl: e.network_explorer_url,
        networkSymbol: e.network_symbol,
        caipId: e.caip_id,
      })),
    }),
  ),
);

/** An NFT of `/portfolio/nft`. */
export type PortfolioNft = {
  caipId: string;
  networkName: string;
  entityType: 'ERC721' | 'ERC1155' | (string & {});
  collectionAddress: string;
  collectionName: string;
  /** Decimal string. */
  nftId: string;
  image: string;
  /** 18-decimal string. */
  quantity: string;
  tokenUri: string;
  description: string;
  nftName: string;
  explorerSmartContractUrl: string;
  collectionImage: string;
};

export const PortfolioNftSchema = v.pipe(
  v.object({
    caip_id: str,
    network_name: str,
    entity_type: str,
    collection_address: str,
    collection_name: str,
    nft_id: str,
    image: str,
    quantity: str,
    token_uri: str,
    description: str,
    nft_name: str,
    explorer_smart_contract_url: str,
    collection_image: str,
  }),
  v.transform(
    (n): PortfolioNft => ({
      caipId: n.caip_id,
      networkName: n.network_name,
      entityType: n.entity_type,
      collectionAddress: n.collection_address,
      collectionName: n.collection_name,
      nftId: n.nft_id,
      image: n.image,
      quantity: n.quantity,
      tokenUri: n.token_uri,
      description: n.description,
      nftName: n.nft_name,
      explorerSmartContractUrl: n.explorer_smart_contract_url,
      collectionImage: n.collection_image,
    }),
  ),
);

export type Orders = { count: number; items: Order[] };

export const OrdersSchema = v.pipe(
  v.object({
    count: num,
    items: v.array(
      v.object({
        downstream_transaction_hash: v.array(str),
        transaction_hash: v.array(str),
        status: str,
        intent_id: str,
        intent_type: str,
        network_name: str,
        caip_id: str,
        details: v.record(str, v.unknown()),
        reason: str,
        block_timestamp: num,
      }),
    ),
  }),
  v.transform(
    (o): Orders => ({
      count: o.count,
      items: o.items.map((i) => ({
        intentId: i.intent_id,
        intentType: i.intent_type,
        status: i.status,
        transactionHash: i.transaction_hash,
        downstreamTransactionHash: i.downstream_transaction_hash,
        networkName: i.network_name,
        caipId: i.caip_id,
        details: i.details,
        reason: i.reason,
        blockTimestamp: i.block_timestamp,
      })),
    }),
  ),
);

/** `/gas-values`: 0x-hex (or, per one docs schema, decimal) strings, for `buildUserOp`'s `gas`. */
export type GasValues = { maxFeePerGas: string; maxPriorityFeePerGas: string };

const gasText = v.pipe(
  str,
  v.regex(/^(?:0x[0-9a-fA-F]+|[0-9]+)$/, 'must be a 0x-hex or decimal integer string'),
);
export const GasValuesSchema = v.object({ maxFeePerGas: gasText, maxPriorityFeePerGas: gasText });

/** `/user-keys`: the user's Okto keys. `ecdsaKeyId` goes into signMessage; `ecdsaPublicKey` is the signing EOA. */
export type UserKeys = {
  userId: string;
  userSWA: Address;
  /** Uncompressed, `0x04…`, 65 bytes. */
  ecdsaPublicKey: Hex;
  ecdsaKeyId: string;
  /** Unused on EVM, so optional. */
  eddsaPublicKey?: string;
  eddsaKeyId?: string;
};

const USER_KEY_SPELLINGS = [
  ['userId', 'user_id'],
  ['userSWA', 'user_swa'],
  ['ecdsaPublicKey', 'ecdsa_public_key'],
  ['ecdsaKeyId', 'ecdsa_key_id'],
  ['eddsaPublicKey', 'eddsa_public_key'],
  ['eddsaKeyId', 'eddsa_key_id'],
] as const;

export const UserKeysSchema = v.pipe(
  v.record(str, v.unknown()),
  // camelCase on the wire; snake_case read too, camelCase winning where both are sent.
  v.transform((o) =>
    Object.fromEntries(
      USER_KEY_SPELLINGS.map(([camel, snake]) => [camel, o[camel] ?? o[snake]]).filter(
        ([, value]) => value !== undefined,
      ),
    ),
  ),
  v.object({
    userId: str,
    userSWA: address,
    ecdsaPublicKey: v.pipe(
      str,
      v.check(isUncompressedPublicKey, 'must be an uncompressed secp256k1 public key (0x04…)'),
    ),
    ecdsaKeyId: v.pipe(str, v.minLength(1)),
    eddsaPublicKey: v.optional(str),
    eddsaKeyId: v.optional(str),
  }),
  v.transform(
    (k): UserKeys => ({
      userId: k.userId,
      userSWA: k.userSWA as Address,
      ecdsaPublicKey: k.ecdsaPublicKey.toLowerCase() as Hex,
      ecdsaKeyId: k.ecdsaKeyId,
      ...(k.eddsaPublicKey === undefined ? {} : { eddsaPublicKey: k.eddsaPublicKey }),
      ...(k.eddsaKeyId === undefined ? {} : { eddsaKeyId: k.eddsaKeyId }),
    }),
  ),
);

export const ExecuteResultSchema = v.object({ jobId: v.pipe(str, v.minLength(1)) });
/** What `/execute` answers: the job to poll `/orders` with. */
export type ExecuteResult = v.InferOutput<typeof ExecuteResultSchema>;

/** The body of `POST /estimate` (emulator §7.3): an intent's fee estimate, nothing signed. */
export type EstimateRequest = {
  type: IntentType;
  jobId: string;
  feePayerAddress?: Address;
  gasDetails: GasValues;
  paymasterData: Hex;
  /** The intent's fields as `/orders` echoes them, amounts as strings. */
  details: Record<string, unknown>;
};

export const EstimateResultSchema = v.object({
  callData: v.object({
    clientSWA: str,
    feePayerAddress: str,
    gsn: v.object({
      isPossible: bool,
      isRequired: bool,
      requiredNetworks: v.array(str),
      tokens: v.array(v.unknown()),
    }),
    intentType: str,
    jobId: str,
    payload: v.record(str, v.unknown()),
    policies: v.object({ gsnEnabled: bool, sponsorshipEnabled: bool }),
    userSWA: str,
  }),
  details: v.object({
    estimation: v.record(str, str),
    fees: v.object({ approxTransactionFeesInUSDT: str, transactionFees: v.record(str, str) }),
  }),
  userOps: v.record(str, str),
});
/** What `/estimate` answers: the intent as Okto read it, its fees and the unsigned UserOp it would send. */
export type EstimateResult = v.InferOutput<typeof EstimateResultSchema>;

export type OrdersQuery = {
  intentId?: string;
  intentType?: IntentType;
  status?: string;
  /** 1-based. */
  page?: number;
  size?: number;
};

export type OktoWalletClient = ReturnType<typeof createOktoWalletClient>;

/**
 * A client for Okto's wallet API (reads, intents, message signing) over an injected `fetch`; each call
 * takes the Bearer auth token, fresh per request as Okto's SDK mints it. Same options, errors and
 * exchange reports as {@link createOktoClient}.
 * @example
 * const wallet = createOktoWalletClient({ baseUrl: 'https://sandbox-api.okto.tech' });
 * const { jobId } = await wallet.execute(await mintToken(), signedUserOp);
 */
export function createOktoWalletClient(options: OktoClientOptions) {
  const { baseUrl, request } = createOktoRequest(options);
  const get = <schema extends v.GenericSchema>(
    path: string,
    schema: schema,
    authToken: string,
    query?: Record<string, string | number | undefined>,
  ) => request('GET', `/api/oc/v1${path}`, schema, { authToken, query });
  const post = <schema extends v.GenericSchema>(
    path: string,
    schema: schema,
    authToken: string,
    body: unknown,
  ) => request('POST', `/api/oc/v1${path}`, schema, { authToken, body });

  return {
    baseUrl,
    /** The user's address on every network (§2). */
    getWallets: (authToken: string): Promise<UserWallet[]> =>
      get('/wallets', v.array(UserWalletSchema), authToken),
    /** The client's enabled networks with their policy flags; `count` is not relied on. */
    getSupportedNetworks: async (authToken: string): Promise<SupportedNetwork[]> =>
      (await get('/supported/networks', v.object({ network: v.array(SupportedNetworkSchema) }), authToken))
        .network,
    /** The client's tokens; the native token has `address: ""`. */
    getSupportedTokens: async (authToken: string): Promise<SupportedToken[]> =>
      (await get('/supported/tokens', v.object({ tokens: v.array(SupportedTokenSchema) }), authToken)).tokens,
    /** The aggregated portfolio (v1), amounts in human units. */
    getPortfolio: (authToken: string): Promise<Portfolio> =>
      get('/aggregated-portfolio', PortfolioSchema, authToken),
    /** Deposits and withdrawals, newest first; `page` and `size` only when given (Okto's defaults 1 and 10). */
    getPortfolioActivity: (
      authToken: string,
      query: { page?: number; size?: number } = {},
    ): Promise<PortfolioActivity> => get('/portfolio/activity', PortfolioActivitySchema, authToken, query),
    /** The user's NFTs (`count` is unreliable, so the list is returned alone). */
    getPortfolioNfts: async (authToken: string): Promise<PortfolioNft[]> =>
      (await get('/portfolio/nft', v.object({ details: v.array(PortfolioNftSchema) }), authToken)).details,
    /** Orders (intents), filtered; absent filters are not sent. Read each with `classifyOrder`. */
    getOrders: (authToken: string, query: OrdersQuery = {}): Promise<Orders> =>
      get('/orders', OrdersSchema, authToken, {
        intent_id: query.intentId,
        intent_type: query.intentType,
        status: query.status,
        page: query.page,
        size: query.size,
      }),
    /** The fees for the next UserOp, as received; `buildUserOp` equalises and normalises them. */
    getGasValues: (authToken: string): Promise<GasValues> => get('/gas-values', GasValuesSchema, authToken),
    /** The user's Okto key ids and public keys (camelCase on the wire; snake_case read too). */
    getUserKeys: (authToken: string): Promise<UserKeys> => get('/user-keys', UserKeysSchema, authToken),
    /** Queues a signed UserOp. The body is the UserOp itself, compact, in wire order, no wrapper (§3.7). */
    execute: (authToken: string, userOp: SignedUserOperation): Promise<ExecuteResult> =>
      post('/execute', ExecuteResultSchema, authToken, toWireUserOp(userOp)),
    /** Estimates an intent's fees (POST). */
    estimate: (authToken: string, body: EstimateRequest): Promise<EstimateResult> =>
      post('/estimate', EstimateResultSchema, authToken, body),
    /**
     * Has Okto sign a message with the user's key (§4): the body from `buildSignMessageRequest`; answers
     * the 65-byte signature, checked to be for the transaction sent.
     */
    signMessage: (authToken: string, body: SignMessageRequest): Promise<Hex> => {
      const transactionId = body.data.transactions[0].transactionId;
      const signature = v.pipe(
        v.unknown(),
        v.rawTransform(({ dataset, addIssue, NEVER }) => {
          try {
            return parseSignMessageResponse(dataset.value, { transactionId });
          } catch (error) {
            addIssue({
              message:
                error instanceof Error
                  ? ((error as { details?: string }).details ?? error.message)
                  : String(error),
            });
            return NEVER;
          }
        }),
      );
      return post('/signMessage', signature, authToken, body);
    },
  };
}
