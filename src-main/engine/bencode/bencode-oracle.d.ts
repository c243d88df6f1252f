// Types for the `bencode` npm package (v4), used only as a test oracle (docs/ARCHITECTURE.md section 3).
declare module 'bencode' {
  interface BencodeOracle {
    encode(value: unknown): Uint8Array;
    decode(buf: Uint8Array): unknown;
  }
  const bencode: BencodeOracle;
  export default bencode;
}
