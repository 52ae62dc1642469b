import {
  describeError,
  isAuthError,
  makeClient,
  type Session,
  storedKey,
  storeKey,
  UNKNOWN_CALLER,
  whoAmI,
} from './api.js';
import { h, replace } from './dom.js';
import { renderJobPage } from './job-page.js';
import { renderJobsList } from './jobs-list.js';
import { renderNewVideo } from './new-video.js';
import { renderProviders } from './providers-page.js';
import type { View } from './view.js';

interface Route {
  view: View;
  nav: string;
  param: string;
}

function route(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/new';
  const job = /^\/jobs\/([A-Za-z0-9][A-Za-z0-9._:-]{0,127})$/.exec(path);
  if (job?.[1]) return { view: renderJobPage, nav: '#/jobs', param: job[1] };
  if (path === '/jobs') return { view: renderJobsList, nav: '#/jobs', param: '' };
  if (path === '/providers') return { view: renderProviders, nav: '#/providers', param: '' };
  return { view: renderNewVideo, nav: '#/new', param: '' };
}

async function loadSettings(): Promise<{ authRequired: boolean }> {
  try {
    const response = await fetch('/ui/settings.json');
    return (await response.json()) as { authRequired: boolean };
  } catch {
    return { authRequired: false };
  }
}

function shell(): { main: HTMLElement; nav: HTMLElement; keyBox: HTMLElement } {
  const nav = h(
    'nav',
    { 'aria-label': 'Main' },
    h('a', { href: '#/new' }, 'New video'),
    h('a', { href: '#/jobs' }, 'Jobs'),
    h('a', { href: '#/providers' }, 'Providers'),
  );
  const keyBox = h('div', { class: 'key-box' });
  const main = h('main', { id: 'main', tabindex: '-1' });
  const root = document.getElementById('app') ?? document.body;
  replace(
    root,
    h('header', { class: 'top' }, h('a', { class: 'brand', href: '#/new' }, 'Reelay'), nav, keyBox),
    main,
    h('div', { id: 'live', class: 'sr-only', 'aria-live': 'polite', role: 'status' }),
  );
  return { main, nav, keyBox };
}

/** Asks for an API key; resolves once one works. */
function askForKey(main: HTMLElement, session: Session, problem = ''): Promise<void> {
  return new Promise((resolve) => {
    const input = h('input', {
      id: 'api-key',
      name: 'api-key',
      type: 'password',
      autocomplete: 'off',
      required: true,
      'aria-describedby': 'api-key-help api-key-error',
    });
    const error = h('p', { id: 'api-key-error', class: 'field-error', role: 'alert' }, problem);
    const form = h(
      'form',
      { class: 'card narrow', 'aria-labelledby': 'key-title' },
      h('h1', { id: 'key-title' }, 'API key needed'),
      h(
        'p',
        { id: 'api-key-help' },
        'This Reelay server requires an API key. It is kept for this browser tab only and forgotten when the tab closes.',
      ),
      h('label', { for: 'api-key' }, 'API key'),
      input,
      error,
      h('button', { type: 'submit', class: 'primary' }, 'Continue'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = input.value.trim();
      whoAmI(key).then(
        (who) => {
          storeKey(key);
          session.apiKey = key;
          session.client = makeClient(key);
          session.who = who;
          resolve();
        },
        (e: unknown) => {
          error.textContent = isAuthError(e) ? 'This key is not accepted by the server.' : describeError(e);
          input.focus();
        },
      );
    });
    replace(main, form);
    input.focus();
  });
}

async function start(): Promise<void> {
  const { main, nav, keyBox } = shell();
  const { authRequired } = await loadSettings();
  const key = authRequired ? storedKey() : null;
  const session: Session = { authRequired, apiKey: key, client: makeClient(key), who: UNKNOWN_CALLER };
  if (authRequired && !key) await askForKey(main, session);
  else {
    try {
      session.who = await whoAmI(key);
    } catch (error) {
      if (!isAuthError(error)) throw error;
      storeKey(null);
      session.apiKey = null;
      await askForKey(main, session, 'The saved key was refused; enter a valid key.');
    }
  }
  if (authRequired) {
    replace(
      keyBox,
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          onclick: () => {
            storeKey(null);
            location.reload();
          },
        },
        'Forget API key',
      ),
    );
  }

  let cleanup: (() => void) | undefined;
  const show = (): void => {
    cleanup?.();
    const r = route(location.hash);
    nav.querySelectorAll('a').forEach((link) => {
      if (link.getAttribute('href') === r.nav) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    main.replaceChildren();
    cleanup = r.view({
      session,
      main,
      param: r.param,
      onAuthError: () => {
        storeKey(null);
        session.apiKey = null;
        askForKey(main, session, 'The saved key was refused; enter a valid key.').then(show);
      },
    });
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      if (document.activeElement !== document.body) heading.focus({ preventScroll: true });
    }
  };
  window.addEventListener('hashchange', show);
  show();
}

start().catch((error: unknown) => {
  const root = document.getElementById('app') ?? document.body;
  replace(root, h('p', { role: 'alert' }, `The page could not start: ${describeError(error)}`));
});
