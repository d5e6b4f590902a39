import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from './evidence.routes.js';

describe('attachmentDisposition', () => {
  it('keeps the header ASCII whatever the file name (a name with U+202E answered 500)', () => {
    const value = attachmentDisposition('\u202egpj.exe "x"\r\n\\é.jpg');
    expect(value).toBe(
      `attachment; filename="_gpj.exe _x_____.jpg"; filename*=UTF-8''%E2%80%AEgpj.exe%20%22x%22%0D%0A%5C%C3%A9.jpg`,
    );
    expect(value).toMatch(/^[\x20-\x7e]+$/);
  });

  it('leaves a plain name as it is', () => {
    expect(attachmentDisposition('crater.jpg')).toBe(
      `attachment; filename="crater.jpg"; filename*=UTF-8''crater.jpg`,
    );
  });
});
