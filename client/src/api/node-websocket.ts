import { WebSocket } from 'ws';

/**
 * aws-appsync-subscription-link opens sockets with the global `WebSocket`, which Node has only
 * from version 22; on older Node the CLI installs the `ws` implementation in its place.
 */
export function installWebSocket(): void {
  globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;
}
