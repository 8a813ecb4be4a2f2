import * as v from 'valibot';

// What the demo server tells the page: where the emulator is and the chains the dApp uses, with their
// RPC URLs. A real dApp knows its chains and RPCs; the local ones get new ports at every start, so the
// server writes them into the page as JSON (`<script type="application/json">`, never run).

/** The element of index.html that carries the config. */
export const PAGE_CONFIG_ELEMENT_ID = 'okto-demo-config';

/** The text the server replaces with the config's JSON. */
export const PAGE_CONFIG_PLACEHOLDER = '"__OKTO_DEMO_CONFIG__"';

const DemoChainSchema = v.object({
  chainId: v.pipe(v.number(), v.integer(), v.minValue(1)),
  name: v.string(),
  rpcUrl: v.pipe(v.string(), v.url()),
});

const DemoTokenSchema = v.object({
  address: v.pipe(
    v.string(),
    v.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 20-byte 0x address'),
    v.transform((text) => text as `0x${string}`),
  ),
  symbol: v.string(),
  decimals: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(36)),
});

export const DemoPageConfigSchema = v.object({
  emulatorUrl: v.pipe(v.string(), v.url()),
  chains: v.array(DemoChainSchema),
  /** The ERC-20 the page sends: the emulator's test token, at one address on every local chain. */
  token: DemoTokenSchema,
});

/** A chain the demo uses: its id, its name, and the RPC the page reads it through. */
export type DemoChain = v.InferOutput<typeof DemoChainSchema>;

/** An ERC-20 the demo sends. */
export type DemoToken = v.InferOutput<typeof DemoTokenSchema>;

export type DemoPageConfig = v.InferOutput<typeof DemoPageConfigSchema>;

/** The config as JSON safe inside an HTML `<script>` element (no `<`, `>`, `&`, U+2028, U+2029). */
export function pageConfigJson(config: DemoPageConfig): string {
  return JSON.stringify(config).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Reads the config the server wrote into the page; throws saying what is wrong. */
export function readPageConfig(doc: Document): DemoPageConfig {
  const text = doc.getElementById(PAGE_CONFIG_ELEMENT_ID)?.textContent ?? '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('The page has no demo config: open it through the demo server (`npm start`).');
  }
  const parsed = v.safeParse(DemoPageConfigSchema, json);
  if (!parsed.success)
    throw new Error(
      `The demo config is not valid (${v.summarize(parsed.issues)}): open the page through the demo server (\`npm start\`).`,
    );
  return parsed.output;
}
