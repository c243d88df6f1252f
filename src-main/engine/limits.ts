/**
 * Every size or count a remote party controls has a named limit here, with its reason
 * (ARCHITECTURE.md section 3). Modules add their limits to this file.
 */

/** BEP 3: blocks are requested in 16 KiB units; larger requests are refused by most clients. */
export const BLOCK_BYTES = 16 * 1024;
