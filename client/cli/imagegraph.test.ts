import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';

// The real executable, as a user runs it (client/cli/bin.mjs, through tsx).
const BIN = new URL('./bin.mjs', import.meta.url).pathname;
const workdir = mkdtempSync(path.join(tmpdir(), 'imagegraph-cli-'));

function imagegraph(...args: string[]) {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: workdir, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(async () => {
  await sharp({ create: { width: 320, height: 200, channels: 3, background: '#3366cc' } }).jpeg().toFile(path.join(workdir, 'blue.jpg'));
  writeFileSync(path.join(workdir, 'fake.png'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // EXIF text is the photo's to choose: here terminal escape sequences (retitle, clear, colour).
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888888' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'Evil\x1b]0;pwned\x07\x1b[2J', Model: 'Cam\x1b[31mRed' } })
    .toFile(path.join(workdir, 'crafted.jpg'));
  // A file name can carry them too (Linux allows any byte but / and NUL).
  copyFileSync(path.join(workdir, 'crafted.jpg'), path.join(workdir, 'crafted\x1b[31m.jpg'));
  // A deployment nothing answers for: what happens before any request.
  const outputs = { Region: 'eu-west-1', UserPoolId: 'eu-west-1_Abc', UserPoolClientId: 'client1', BucketName: 'b', QueueUrl: 'q', DeadLetterQueueUrl: 'd', SearchEndpoint: 's' };
  writeFileSync(path.join(workdir, 'signed-out.json'), JSON.stringify({ ...outputs, GraphQLUrl: 'http://127.0.0.1:9/graphql', RealtimeUrl: 'ws://127.0.0.1:9/graphql/realtime' }));
});

describe('imagegraph', () => {
  it('describes every command in --help', () => {
    const { code, stdout } = imagegraph('--help');
    expect(code).toBe(0);
    for (const command of ['process', 'reindex', 'reconcile', 'redrive']) expect(stdout).toContain(command);
    expect(imagegraph('reconcile', '--help').stdout).toContain('--dry-run');
  });

  it('process prints the documents, refusing what is not an image, and exits 1 when any failed', () => {
    const { code, stdout } = imagegraph('process', 'blue.jpg', 'fake.png', '--json');
    expect(code).toBe(1);
    const results = JSON.parse(stdout) as { path: string; document: { status: string; format?: string; width?: number; failureReason?: string } }[];
    expect(results.map((result) => [result.path, result.document.status])).toEqual([
      ['blue.jpg', 'PROCESSED'],
      ['fake.png', 'FAILED'],
    ]);
    expect(results[0]?.document).toEqual(expect.objectContaining({ format: 'JPEG', width: 320 }));
    expect(results[1]?.document.failureReason).toMatch(/Not a supported image/);
  });

  it('process fails a missing file or a folder alone, still reporting the others', () => {
    const { code, stdout } = imagegraph('process', 'missing.jpg', 'blue.jpg', '.');
    expect(code).toBe(1);
    expect(stdout).toContain("FAILED     missing.jpg: Cannot read the file: ENOENT: no such file or directory, stat 'missing.jpg'");
    expect(stdout).toMatch(/PROCESSED {2}blue\.jpg: JPEG 320x200/);
    expect(stdout).toContain('FAILED     .: Not a file');
    expect(stdout).toContain('1 processed, 2 failed');
  });

  it('process summarizes in words without --json', () => {
    const { code, stdout } = imagegraph('process', 'blue.jpg');
    expect(code).toBe(0);
    expect(stdout).toMatch(/PROCESSED {2}blue\.jpg: JPEG 320x200, 4 thumbnails/);
    expect(stdout).toContain('1 processed, 0 failed');
  });

  it('prints no control characters from a photo or its file name to the terminal', () => {
    const text = imagegraph('process', 'crafted\x1b[31m.jpg');
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/[\x1b\x07]/);
    // The processing core drops EXIF's control characters; the CLI shows those of a file name as U+FFFD.
    expect(text.stdout).toContain('PROCESSED  crafted\uFFFD[31m.jpg: JPEG 64x64, Evil]0;pwned[2J Cam[31mRed, 4 thumbnails');
    const json = imagegraph('process', 'crafted.jpg', '--json');
    expect(json.stdout).not.toContain('\x1b');
    expect(JSON.parse(json.stdout)[0].document.cameraName).toBe('Evil]0;pwned[2J Cam[31mRed');
  });

  it('refuses an upload --concurrency outside 1-16 before asking anything', () => {
    for (const value of ['0', 'abc', '17', '1e9']) {
      expect(imagegraph('upload', 'blue.jpg', '--concurrency', value)).toMatchObject({ code: 1, stderr: expect.stringMatching(/--concurrency must be (a whole number|from 1 to 16)\./) });
    }
  });

  it('refuses a --first that is not a whole number before asking anything', () => {
    for (const args of [['similar', '01JD00000000000000000000Z9', '--first', 'abc'], ['search', 'dog', '-n', '2.5']]) {
      expect(imagegraph(...args)).toMatchObject({ code: 1, stderr: expect.stringContaining('--first must be a whole number.') });
    }
  });

  it('ends quietly when its reader stops early (| head)', async () => {
    const child = spawn(process.execPath, [BIN, 'process', 'blue.jpg', '--json'], { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before anything is written
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('says what to run when not signed in', () => {
    expect(imagegraph('--outputs', 'signed-out.json', 'stats')).toMatchObject({ code: 1, stderr: expect.stringContaining('imagegraph: Not signed in. Sign in first. Run `imagegraph login`.\n') });
  });

  it('says what is wrong with a session file it cannot use, and what to run, quoting no token', () => {
    const sessionFile = path.join(workdir, '.imagegraph', 'session.json');
    mkdirSync(path.dirname(sessionFile), { recursive: true });
    writeFileSync(sessionFile, 'eyJraWQiOiJzZWNyZXQtdG9rZW4ifQ'); // a token pasted over it
    try {
      const { code, stderr } = imagegraph('--outputs', 'signed-out.json', 'stats');
      expect(code).toBe(1);
      expect(stderr).toContain(
        'imagegraph: The session file .imagegraph/session.json is not valid JSON (cut short or edited?). Run `imagegraph login` to sign in again; it replaces the file.\n',
      );
      expect(stderr).not.toContain('eyJ');
    } finally {
      rmSync(sessionFile);
    }
  });

  it('says how to get a deployment when there is none', () => {
    const { code, stderr } = imagegraph('reindex');
    expect(code).toBe(1);
    expect(stderr).toContain('No deployment outputs found');
    expect(stderr).toContain('npx cdk deploy --outputs-file cdk-outputs.json');
  });

  it('amplify-config turns local and AWS outputs into Amplify configuration', () => {
    const endpoints = { Region: 'eu-west-1', UserPoolId: 'eu-west-1_Abc', UserPoolClientId: 'client1', BucketName: 'b', QueueUrl: 'q', DeadLetterQueueUrl: 'd', SearchEndpoint: 's' };
    writeFileSync(path.join(workdir, 'local.json'), JSON.stringify({
      ...endpoints,
      GraphQLUrl: 'http://127.0.0.1:4710/graphql',
      RealtimeUrl: 'ws://127.0.0.1:4710/graphql/realtime',
      GraphQLTlsUrl: 'https://127.0.0.1:4710/graphql',
      CognitoEndpoint: 'http://127.0.0.1:4712',
      CaCertificateFile: '/data/tls/ca.pem',
    }));
    writeFileSync(path.join(workdir, 'cdk.json'), JSON.stringify({ ImageGraph: { ...endpoints, GraphQLUrl: 'https://api.example/graphql', RealtimeUrl: 'wss://rt.example/graphql' } }));
    const local = imagegraph('--outputs', 'local.json', 'amplify-config', '--out', 'local-amplify.json');
    expect(local.code, local.stderr).toBe(0);
    expect(local.stderr).toContain('NODE_EXTRA_CA_CERTS=/data/tls/ca.pem');
    const written = JSON.parse(readFileSync(path.join(workdir, 'local-amplify.json'), 'utf8'));
    expect(written.Auth.Cognito.userPoolEndpoint).toBe('http://127.0.0.1:4712');
    expect(written.API.GraphQL.endpoint).toBe('https://127.0.0.1:4710/graphql');
    const gen2 = imagegraph('--outputs', 'cdk.json', 'amplify-config', '--format', 'gen2');
    expect(gen2.code, gen2.stderr).toBe(0);
    expect(JSON.parse(gen2.stdout)).toMatchObject({ version: '1', auth: { user_pool_id: 'eu-west-1_Abc' }, data: { url: 'https://api.example/graphql' } });
    const refused = imagegraph('--outputs', 'local.json', 'amplify-config', '--format', 'gen2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no field for a Cognito endpoint');
  });

  it('rejects unknown commands with help', () => {
    const { code, stderr } = imagegraph('frobnicate');
    expect(code).not.toBe(0);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });
});
