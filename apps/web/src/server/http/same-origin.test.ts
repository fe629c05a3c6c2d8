import { describe, expect, it } from 'vitest';
import { crossOriginProblem } from './same-origin';

function post(origin: string | undefined, extra: Record<string, string> = {}): Request {
  const headers = new Headers(extra);
  if (origin !== undefined) headers.set('origin', origin);
  return new Request('http://127.0.0.1:3000/api/trpc/x', { method: 'POST', headers });
}

describe('crossOriginProblem', () => {
  it('lets reads through without an Origin', () => {
    expect(crossOriginProblem(new Request('http://h/x'), 'https://console.example.com')).toBeUndefined();
  });

  it('accepts the public origin and refuses others, a missing Origin and cross-site fetches', () => {
    const url = 'https://console.example.com';
    expect(crossOriginProblem(post('https://console.example.com'), url)).toBeUndefined();
    expect(crossOriginProblem(post('https://evil.example.com'), url)).toBe(
      'origin https://evil.example.com is not this console (https://console.example.com)',
    );
    expect(crossOriginProblem(post(undefined), url)).toBe(
      'a POST request needs an Origin header (https://console.example.com)',
    );
    expect(
      crossOriginProblem(post('https://console.example.com', { 'sec-fetch-site': 'cross-site' }), url),
    ).toBe('cross-site requests cannot change the catalog');
  });

  it('accepts every loopback spelling of a loopback console, on the same scheme and port only', () => {
    const url = 'http://127.0.0.1:3000';
    for (const origin of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000']) {
      expect(crossOriginProblem(post(origin), url)).toBeUndefined();
    }
    expect(crossOriginProblem(post('http://localhost:3001'), url)).toContain('is not this console');
    expect(crossOriginProblem(post('https://localhost:3000'), url)).toContain('is not this console');
    expect(crossOriginProblem(post('http://localhost.evil.com:3000'), url)).toContain('is not this console');
  });

  it('does not extend the loopback aliases to a console published under a real name', () => {
    expect(crossOriginProblem(post('http://localhost:3000'), 'http://console.internal:3000')).toContain(
      'is not this console',
    );
  });
});
