/**
 * The BEP 10 extension message ids we assign to the extensions we speak.
 *
 * A peer sends us an extension message with the id from *our* `m` dictionary, and we send it
 * messages with the ids from *its* `m`. Ours are fixed here in one place so that the extended
 * handshake and every extension's receive path agree. The values are arbitrary (1..255, 0 is the
 * handshake itself); they only have to be distinct.
 */
export const LOCAL_EXTENSION_IDS = {
  /** BEP 11, peer exchange. */
  ut_pex: 1,
  /** BEP 9, metadata exchange. */
  ut_metadata: 2,
} as const;

export type LocalExtensionName = keyof typeof LOCAL_EXTENSION_IDS;
