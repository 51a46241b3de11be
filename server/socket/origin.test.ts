// origin.test.ts - the Host and Origin rules (DNS rebinding, cross-site WebSocket hijacking) and static path resolution.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { hostAllowed, originAllowed, splitHost } from './origin.ts';
import { learnerIdFrom } from '../sessions/identity.ts';

test('Host: loopback names and the listening address on the listening port only', () => {
  const p = { host: '127.0.0.1', port: 3000 };
  for (const h of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'LOCALHOST:3000']) assert.equal(hostAllowed(h, p), true, h);
  for (const h of ['127.0.0.1:3001', '127.0.0.1', 'evil.example:3000', 'localhost.evil.example:3000', '', undefined, 'a b:3000', '127.0.0.1:3000@x'])
    assert.equal(hostAllowed(h, p), false, String(h));
  assert.equal(hostAllowed('lab.example.org', { ...p, extraHosts: ['lab.example.org'] }), true, 'a configured proxy name');
  assert.equal(hostAllowed('10.1.2.3:3000', { host: '10.1.2.3', port: 3000 }), true);
  const wild = { host: '0.0.0.0', port: 3000 };
  const addr = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4')!.address;
  assert.equal(hostAllowed(`${addr}:3000`, wild), true, 'any address of this machine when listening on all');
  assert.equal(hostAllowed('evil.example:3000', wild), false, 'but never a foreign name (DNS rebinding)');
});

test('Origin must be the Host itself', () => {
  assert.equal(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000'), true);
  assert.equal(originAllowed('https://lab.example.org', 'lab.example.org'), true);
  for (const o of ['http://evil.example', 'http://127.0.0.1:3001', 'null', undefined, 'http://127.0.0.1:3000/x'])
    assert.equal(originAllowed(o, '127.0.0.1:3000'), false, String(o));
  assert.deepEqual(splitHost('[::1]:80'), { name: '::1', port: 80 });
});

test('learner id: only a well-formed cookie counts', () => {
  const id = 'a'.repeat(32);
  assert.equal(learnerIdFrom({ headers: { cookie: `x=1; glassbox_learner=${id}` } }), id);
  assert.equal(learnerIdFrom({ headers: { cookie: 'glassbox_learner=../../x' } }), null);
  assert.equal(learnerIdFrom({ headers: {} }), null);
});

test('static paths stay inside the export; directories redirect to their trailing-slash page and are never listed', async () => {
  const { resolveStatic } = await import('../main.ts');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'glassbox-static-'));
  try {
    fs.mkdirSync(path.join(root, 'lesson'));
    fs.mkdirSync(path.join(root, 'empty'));
    fs.writeFileSync(path.join(root, 'lesson', 'index.html'), 'x');
    fs.writeFileSync(path.join(root, 'a.js'), 'x');
    fs.symlinkSync('/etc/passwd', path.join(root, 'link'));
    assert.deepEqual(resolveStatic(root, '/lesson'), { redirect: '/lesson/' });
    assert.deepEqual(resolveStatic(root, '/lesson/'), { file: path.join(fs.realpathSync(root), 'lesson', 'index.html') });
    assert.equal(resolveStatic(root, '/empty'), null);
    assert.equal(resolveStatic(root, '/empty/'), null);
    assert.equal(resolveStatic(root, '/link'), null, 'a symlink out of the export');
    for (const p of ['/../etc/passwd', '/%2e%2e/etc/passwd', '/lesson/%2e%2e%2f..%2fetc/passwd', '/a.js%00', '/%E0%A4%A', '/..\\etc']) assert.equal(resolveStatic(root, p), null, p);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
