import { describe, expect, it } from 'vitest';
import { contentPath } from './toast-action';

describe('contentPath (issue 21: Open folder)', () => {
  it("joins the save folder and the torrent's name in the host's style", () => {
    expect(contentPath('/home/me/Downloads', 'ubuntu.iso')).toBe('/home/me/Downloads/ubuntu.iso');
    expect(contentPath('/home/me/Downloads/', 'Album')).toBe('/home/me/Downloads/Album');
    expect(contentPath('C:\\Users\\me\\Downloads', 'a.iso')).toBe(
      'C:\\Users\\me\\Downloads\\a.iso',
    );
  });
});
