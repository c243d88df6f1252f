/** The tracker codecs: pure functions over bytes and strings, shared by client and server. */
export * from './errors';
export * from './announce-request';
export * from './compact-peers';
export * from './http-query';
export * from './http-response';
export * from './udp-packets';
