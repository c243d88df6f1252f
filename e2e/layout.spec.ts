/**
 * The layout at small windows (issue 21): at 800×600 and 640×480 nothing scrolls sideways, the
 * toolbar's actions stay on screen, the Name column keeps a useful width, and a details height
 * saved in a tall window never hides the list. Screenshots in docs/screenshots/.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { dismissToasts, screenshotDir } from './helpers';
import { fixtureContent, makeTorrent } from './torrent-fixture';

async function overflowingX(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth)
      out.push(`page ${root.scrollWidth}>${root.clientWidth}`);
    for (const el of document.querySelectorAll<HTMLElement>(
      '.torrent-list .table-scroll, .toolbar, .list-toolbar, .status-bar, .workspace, .content',
    )) {
      if (el.scrollWidth > el.clientWidth + 1) {
        out.push(`${el.className} ${el.scrollWidth}>${el.clientWidth}`);
      }
    }
    return out;
  });
}

/** Every enabled button in the header and toolbars lies inside the window. */
async function offScreenButtons(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = window.innerWidth;
    return [...document.querySelectorAll<HTMLElement>('header button, .list-toolbar button')]
      .filter((b) => b.getClientRects().length > 0)
      .filter((b) => {
        const r = b.getBoundingClientRect();
        return r.left < 0 || r.right > w + 0.5;
      })
      .map((b) => b.textContent?.trim() ?? b.getAttribute('aria-label') ?? '?');
  });
}

test('no sideways scroll and every action on screen at 800×600 and 640×480', async ({
  webHost,
  page,
}) => {
  // A details height saved in a tall window.
  await page.addInitScript(() => localStorage.setItem('swarmscope.detailHeightPx', '900'));
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(webHost.url);
  await expect(page.getByText('Connected')).toBeVisible();
  const t = makeTorrent({
    name: 'A long torrent name that people really use for their Linux ISO downloads.iso',
    content: fixtureContent(256 * 1024, 9),
  });
  await page.getByTestId('open-torrent-input').setInputFiles({
    name: 'long.torrent',
    mimeType: 'application/x-bittorrent',
    buffer: t.bytes,
  });
  await page.getByTestId('add-dialog').getByRole('button', { name: 'Add', exact: true }).click();
  const row = page.locator('tr.torrent-row').first();
  await expect(row).toBeVisible();
  await dismissToasts(page);
  await row.click();

  for (const [w, h] of [
    [800, 600],
    [640, 480],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(200);
    expect(await overflowingX(page), `sideways scroll at ${w}×${h}`).toEqual([]);
    expect(await offScreenButtons(page), `buttons off screen at ${w}×${h}`).toEqual([]);
    // The name keeps a readable width; the list stays visible above the details.
    const nameWidth = await page
      .locator('td.col-name')
      .first()
      .evaluate((el) => el.clientWidth);
    expect(nameWidth).toBeGreaterThanOrEqual(160);
    const listBox = await page.locator('.table-scroll').first().boundingBox();
    expect(listBox?.height ?? 0).toBeGreaterThanOrEqual(100);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(screenshotDir, `layout-${w}x${h}.png`) });
  }
});
