import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postBody } from './push-request.js';

const servers: http.Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function endpoint(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server };
}

describe('postBody', () => {
  it('posts the body with its headers and answers the status over one kept-alive connection', async () => {
    const seen: Array<{ body: string; type: string | undefined; signature: string | undefined; socket: Socket }> = [];
    const { url } = await endpoint((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push({
          body,
          type: request.headers['content-type'],
          signature: request.headers['huitong-signature'] as string | undefined,
          socket: request.socket,
        });
        response.statusCode = seen.length === 1 ? 204 : 202;
        response.end('ignored answer');
      });
    });
    const headers = { 'content-type': 'application/cloudevents+json', 'huitong-signature': 't=1,sig=x' };
    expect(await postBody(url, headers, '{"id":"一"}', 5_000)).toBe(204);
    expect(await postBody(url, headers, '{"id":"二"}', 5_000)).toBe(202);
    expect(seen.map((entry) => entry.body)).toEqual(['{"id":"一"}', '{"id":"二"}']);
    expect(seen[0]).toMatchObject({ type: 'application/cloudevents+json', signature: 't=1,sig=x' });
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
  });

  it('does not follow a redirect: a 3xx is the answer', async () => {
    let hits = 0;
    const { url } = await endpoint((request, response) => {
      hits += 1;
      request.resume();
      response.writeHead(307, { location: '/elsewhere' }).end();
    });
    expect(await postBody(url, {}, '{}', 5_000)).toBe(307);
    expect(hits).toBe(1);
  });

  it('gives up on an endpoint that does not answer in time', async () => {
    const { url } = await endpoint((request) => request.resume());
    const started = Date.now();
    await expect(postBody(url, {}, '{}', 200)).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('names a refused connection by its code', async () => {
    const { url, server } = await endpoint(() => {});
    await new Promise((resolve) => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    await expect(postBody(url, {}, '{}', 5_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('tries once more on a new connection when a kept-alive one was closed under it', async () => {
    const requestsBySocket = new Map<Socket, number>();
    let answered = 0;
    const { url } = await endpoint((request, response) => {
      const count = (requestsBySocket.get(request.socket) ?? 0) + 1;
      requestsBySocket.set(request.socket, count);
      // The second request on a connection finds it closed, as after an endpoint's idle timeout.
      if (count > 1) {
        request.socket.destroy();
        return;
      }
      request.resume();
      answered += 1;
      response.statusCode = 200;
      response.end();
    });
    expect(await postBody(url, {}, '{"n":1}', 5_000)).toBe(200);
    expect(await postBody(url, {}, '{"n":2}', 5_000)).toBe(200);
    expect(answered).toBe(2);
    expect(requestsBySocket.size).toBe(2);
  });
});
