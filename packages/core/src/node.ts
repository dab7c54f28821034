/**
 * @packageDocumentation
 * Node-only stores of y-dropbox core (they use `node:fs`).
 */
export {}
