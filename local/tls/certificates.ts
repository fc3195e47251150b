/**
 * The local cloud's own certificate authority and the server certificate it signs for 127.0.0.1
 * and localhost, so the local API can be served over TLS (Amplify v6 opens its real-time
 * connection as wss:// whatever the endpoint's scheme). Both live in the data directory: the CA
 * is made once and kept (a person trusts it once), the server certificate is made again when it
 * nears expiry, no longer matches the CA, or lacks a name. Certificates are built by
 * @peculiar/x509 with Node's WebCrypto; Node's own X509Certificate checks them.
 */
import { createHash, X509Certificate as NodeCertificate, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// @peculiar/x509 needs the Reflect metadata API (its README says to load reflect-metadata first).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/** The names the server certificate covers: every loopback name the request guard accepts. */
export const SERVER_NAMES = { dns: ['localhost'], ip: ['127.0.0.1', '::1'] } as const;

/** ECDSA P-256 with SHA-256: accepted by every browser and by Node, and quick to make. */
const KEY_ALGORITHM: EcKeyGenParams & EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** Long enough never to be trusted twice in a project's life. */
export const CA_VALIDITY_DAYS = 3650;
/**
 * macOS and iOS refuse server certificates valid for more than 825 days, whoever issued them
 * (support.apple.com/HT210176); the CA/Browser Forum's 398 days is the stricter common limit.
 */
export const SERVER_VALIDITY_DAYS = 397;
/** A server certificate with less left than this is made again on start. */
export const RENEW_BEFORE_DAYS = 30;

export interface LocalTlsFiles {
  /** The CA certificate (PEM): what a client or browser trusts, e.g. NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** The CA's private key (PEM, PKCS#8), mode 0600. */
  caKeyFile: string;
  /** The server certificate followed by the CA's (PEM chain). */
  certFile: string;
  /** The server's private key (PEM, PKCS#8), mode 0600. */
  keyFile: string;
}

export interface LocalTls extends LocalTlsFiles {
  /** PEM chain and key, for https.createServer. */
  cert: string;
  key: string;
  /**
   * base64 SHA-256 of the server certificate's public key (SPKI): Chromium's
   * --ignore-certificate-errors-spki-list pin.
   */
  serverSpkiSha256: string;
  /** What ensureLocalTls did: made the CA (first start), made a new server certificate, or reused both. */
  created: 'ca' | 'server' | 'none';
}

export function localTlsFiles(dir: string): LocalTlsFiles {
  return { caFile: join(dir, 'ca.pem'), caKeyFile: join(dir, 'ca-key.pem'), certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server-key.pem') };
}

const crypto = webcrypto as unknown as Crypto;

/**
 * The CA and a valid server certificate under `dir`, made as needed. `now` is for tests of renewal.
 */
export async function ensureLocalTls(dir: string, now: Date = new Date()): Promise<LocalTls> {
  const files = localTlsFiles(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let created: LocalTls['created'] = 'none';
  let ca = await readPair(files.caFile, files.caKeyFile);
  if (!ca) {
    ca = await createCa(now);
    await writePair(files.caFile, files.caKeyFile, ca);
    created = 'ca';
  }
  let server = await readPair(files.certFile, files.keyFile);
  if (!server || serverCertificateProblem(server.cert, ca.cert, now) !== undefined) {
    server = await createServerCertificate(ca, now);
    // The file holds the chain, so a client that trusts the CA gets the whole path.
    await writePair(files.certFile, files.keyFile, { cert: `${server.cert}${ca.cert}`, key: server.key });
    if (created === 'none') created = 'server';
  }
  const leaf = new NodeCertificate(server.cert);
  return {
    ...files,
    cert: `${firstPem(server.cert)}${ca.cert}`,
    key: server.key,
    serverSpkiSha256: spkiSha256(leaf),
    created,
  };
}

/**
 * Why a server certificate cannot be used (expires within RENEW_BEFORE_DAYS, not signed by this
 * CA, a name missing), or undefined when it can.
 */
export function serverCertificateProblem(certPem: string, caPem: string, now: Date): string | undefined {
  const leaf = new NodeCertificate(firstPem(certPem));
  const ca = new NodeCertificate(caPem);
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return 'not signed by the local CA';
  if (new Date(leaf.validTo).getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return `expires ${leaf.validTo}`;
  if (new Date(leaf.validFrom).getTime() > now.getTime()) return `not valid before ${leaf.validFrom}`;
  const missing = [...SERVER_NAMES.dns.filter((name) => leaf.checkHost(name) === undefined), ...SERVER_NAMES.ip.filter((ip) => leaf.checkIP(ip) === undefined)];
  return missing.length > 0 ? `does not name ${missing.join(', ')}` : undefined;
}

export function spkiSha256(certificate: NodeCertificate): string {
  return createHash('sha256').update(certificate.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

interface Pair {
  cert: string;
  key: string;
}

async function createCa(now: Date): Promise<Pair> {
  const keys = await crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      // The creation time in the name tells apart the CAs of several data directories in a trust store.
      name: `CN=ImageGraph local CA ${now.toISOString()}, O=ImageGraph local cloud`,
      notBefore: new Date(now.getTime() - DAY_MS),
      notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
      keys,
      signingAlgorithm: KEY_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { cert: cert.toString('pem') + '\n', key: await privateKeyPem(keys.privateKey) };
}

async function createServerCertificate(ca: Pair, now: Date): Promise<Pair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await crypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(ca.key), KEY_ALGORITHM, false, ['sign']);
  const keys = await crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: 'CN=localhost, O=ImageGraph local cloud',
      issuer: caCert.subject,
      // An hour back for clock skew: the whole span stays within the 398 days browsers accept.
      notBefore: new Date(now.getTime() - HOUR_MS),
      notAfter: new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: KEY_ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...SERVER_NAMES.dns.map((value) => ({ type: 'dns' as const, value })),
          ...SERVER_NAMES.ip.map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );
  return { cert: cert.toString('pem') + '\n', key: await privateKeyPem(keys.privateKey) };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';
}

/** 16 random bytes, top bit clear: a positive serial number, as RFC 5280 requires. */
function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

function firstPem(pem: string): string {
  const end = '-----END CERTIFICATE-----';
  return `${pem.slice(0, pem.indexOf(end) + end.length)}\n`;
}

async function readPair(certFile: string, keyFile: string): Promise<Pair | undefined> {
  try {
    return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writePair(certFile: string, keyFile: string, pair: Pair): Promise<void> {
  await writeFile(keyFile, pair.key, { mode: 0o600 });
  // writeFile's mode applies only to a new file; an old key file keeps its mode otherwise.
  await chmod(keyFile, 0o600);
  await writeFile(certFile, pair.cert);
}
