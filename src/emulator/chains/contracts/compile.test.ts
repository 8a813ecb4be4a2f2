import { describe, expect, it } from 'vitest';
import { compileContract, readContractSource } from './compile.ts';
import { testTokenAbi, testTokenBytecode } from './testTokenArtifact.ts';

// The committed artifacts are what the emulator deploys: they must be exactly what the committed sources
// compile to, or a change to a .sol file would silently not take effect.

describe('the committed contract artifacts', () => {
  it('TestToken: bytecode and ABI are what TestToken.sol compiles to (rebuild: npm run build:contracts)', () => {
    const compiled = compileContract({
      fileName: 'TestToken.sol',
      source: readContractSource('TestToken.sol'),
      contractName: 'TestToken',
    });
    expect(compiled.compilerVersion).toMatch(/^0\.8\.37\+/);
    expect(compiled.bytecode).toBe(testTokenBytecode);
    expect(compiled.abi).toEqual(testTokenAbi);
  });
});
