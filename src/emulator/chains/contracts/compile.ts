import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import solc from 'solc';

// Compiles the emulator's test contracts with solc-js (the npm package `solc`, pinned), so that anyone
// can rebuild the committed artifacts bit for bit without a native compiler.

/** The compiler settings every committed artifact was built with. */
export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  // Cancun runs on anvil and on every chain the emulator stands in for.
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
} as const;

/** A compiled contract: its ABI, creation bytecode and the exact compiler that made it. */
export type CompiledContract = { abi: unknown[]; bytecode: `0x${string}`; compilerVersion: string };

type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>>;
};

/** The source of one of the `.sol` files beside this module. */
export function readContractSource(fileName: string): string {
  return readFileSync(fileURLToPath(new URL(fileName, import.meta.url)), 'utf8');
}

/**
 * Compiles one self-contained Solidity file and returns the contract `contractName` in it.
 * Throws with the compiler's messages on any error.
 * @example
 * const token = compileContract({ fileName: 'TestToken.sol', source, contractName: 'TestToken' });
 */
export function compileContract(p: {
  fileName: string;
  source: string;
  contractName: string;
}): CompiledContract {
  const input = {
    language: 'Solidity',
    sources: { [p.fileName]: { content: p.source } },
    settings: SOLC_SETTINGS,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0)
    throw new Error(`${p.fileName} does not compile:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts?.[p.fileName]?.[p.contractName];
  if (!contract) throw new Error(`${p.fileName} has no contract ${p.contractName}`);
  return {
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
    compilerVersion: String(solc.version()),
  };
}
