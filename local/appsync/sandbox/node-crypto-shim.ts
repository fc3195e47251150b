// What the runtime's dependencies import from node:crypto, inside the sandbox (vm-globals.ts).
import { sandboxCrypto } from './vm-globals.ts';

export const randomUUID = () => sandboxCrypto.randomUUID();
export const randomBytes = (count: number) => sandboxCrypto.randomBytes(count);
export const getRandomValues = <T extends ArrayBufferView>(array: T) => sandboxCrypto.getRandomValues(array);
export default { randomUUID, randomBytes, getRandomValues };
