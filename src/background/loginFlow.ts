// The login state machine moved to ./login/ (flow.ts, one module per method, register.ts); this name
// stays for the modules that import the flow's types from here.
export * from './login/flow.ts';
