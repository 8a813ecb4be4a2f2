// Will become the MAIN-world EIP-1193 / EIP-6963 provider that dApps see.
export {};
