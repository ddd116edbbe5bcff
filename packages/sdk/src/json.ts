/** A value that survives a JSON round trip; plugin state must be one. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
