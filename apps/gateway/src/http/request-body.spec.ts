/**
 * HTTP bodies at the edge, through a real Nest HTTP server with the gateway's parsers and error
 * filter: every refusal is an answer in our error shape, never a reset connection.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, HttpCode, Module, Post, Req } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request } from 'express';
import { DomainErrorFilter } from './domain-error.filter.js';
import { BodyLimitBytes, readTextBody, useBodyParsers } from './request-body.js';

const TextLimit = 1_000;

@Controller()
class EchoController {
  @Post('json')
  @HttpCode(200)
  json(@Body() body: unknown) {
    return { body };
  }

  @Post('text')
  @HttpCode(200)
  async text(@Req() req: Request) {
    return { length: (await readTextBody(req, TextLimit, 'The file is too large: split it.')).length };
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
}

/** Sends a body and waits for the answer; a reset connection fails the promise. */
function post(port: number, path: string, contentType: string, body: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, contentType: String(res.headers['content-type']), body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTP request bodies', () => {
  let app: NestExpressApplication;
  let port: number;

  beforeAll(async () => {
    app = await NestFactory.create<NestExpressApplication>(EchoModule, { logger: false });
    useBodyParsers(app);
    app.useGlobalFilters(new DomainErrorFilter());
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app?.close();
  });

  it('reads a JSON body under the limit', async () => {
    expect(await post(port, '/json', 'application/json', JSON.stringify({ name: 'Ada' }))).toMatchObject({ status: 200, body: { body: { name: 'Ada' } } });
  });

  it('answers a JSON body over the limit with 413 VALIDATION_FAILED and a sentence', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(BodyLimitBytes) });
    const answer = await post(port, '/json', 'application/json', big);
    expect(answer.status).toBe(413);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The request body is too large: at most 64 kB.' } });
  });

  it('answers malformed JSON with 400 VALIDATION_FAILED', async () => {
    const answer = await post(port, '/json', 'application/json', '{"name": "Ada"');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The request body is not valid JSON.' } });
  });

  it('reads a text body under its limit', async () => {
    expect(await post(port, '/text', 'text/csv', 'email\nada@uni.example\n')).toMatchObject({ status: 200, body: { length: 22 } });
  });

  it('answers a 1 MB text body over its limit with 413 and the handler’s sentence, and the connection stays usable', async () => {
    const answer = await post(port, '/text', 'text/csv', Buffer.alloc(1_000_000, 'a'));
    expect(answer).toEqual({
      status: 413,
      contentType: expect.stringMatching(/^application\/json/),
      body: { error: { code: 'VALIDATION_FAILED', message: 'The file is too large: split it.' } },
    });
    expect(await post(port, '/text', 'text/csv', 'ok')).toMatchObject({ status: 200, body: { length: 2 } });
  });
});
