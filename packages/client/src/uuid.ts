/**
 * A v4 UUID. `crypto.randomUUID` exists in Node 20 and in browsers on secure origins; an
 * http:// page has only `getRandomValues`, so the UUID is assembled from that.
 */
const webCrypto = globalThis.crypto;

export const uuid: () => string =
  typeof webCrypto?.randomUUID === 'function'
    ? () => webCrypto.randomUUID()
    : () => {
        const b = webCrypto.getRandomValues(new Uint8Array(16));
        b[6] = (b[6]! & 0x0f) | 0x40;
        b[8] = (b[8]! & 0x3f) | 0x80;
        const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      };
