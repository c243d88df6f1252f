/**
 * Port mapping in the app, end to end (issue 18): the status bar's indicator and the Settings
 * section. The e2e host starts with the setting off (fixtures.ts), so no test asks the machine's
 * real router for anything; the fake gateways are exercised in the engine's swarm tests.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { screenshotBoth, watchConsole } from './helpers';

test('the port mapping indicator opens Settings, which shows the switch and the state', async ({
  page,
  webHost,
}) => {
  const errors = watchConsole(page);
  await page.goto(webHost.url);
  const indicator = page.getByRole('button', { name: 'Port mapping off' });
  await expect(indicator).toHaveText('Not mapped');
  await expect(indicator).toHaveAttribute('data-port-mapping', 'off');
  await expect(indicator).toHaveAttribute('title', /forwarded by hand/);

  await indicator.focus();
  await page.keyboard.press('Enter');
  const settings = page.getByTestId('settings');
  const toggle = settings.getByRole('switch', { name: 'Port mapping (UPnP / NAT-PMP)' });
  await expect(toggle).toBeVisible();
  await expect(toggle).not.toBeChecked();
  await expect(settings.getByTestId('port-mapping-state')).toContainText('Port mapping off');
  await settings.getByTestId('port-mapping-state').scrollIntoViewIfNeeded();
  await screenshotBoth(page, 'port-mapping-settings');
  // The new parts pass axe: the section with its switch and state, and the indicator.
  const axe = await new AxeBuilder({ page })
    .include('section[aria-labelledby="set-port-mapping"]')
    .include('[data-testid="port-mapping-status"]')
    .analyze();
  expect(
    axe.violations.map(
      (v) =>
        `${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} ${n.failureSummary ?? ''}`).join(' | ')}`,
    ),
  ).toEqual([]);
  expect(errors).toEqual([]);
});
