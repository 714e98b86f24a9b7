import './styles.css';
import { api, UNAUTHORIZED_EVENT } from './api/client';
import { Router, type PageRender } from './router';
import { session } from './session';
import { clear, errorState, h, loading } from './ui/dom';

/** Pages load lazily so the heavy modeler and form libraries are fetched only where used. */
const lazy =
  (loader: () => Promise<{ default: PageRender }>): PageRender =>
  async (outlet, params, query) => {
    outlet.appendChild(loading());
    try {
      const page = await loader();
      clear(outlet);
      return await page.default(outlet, params, query);
    } catch (e) {
      clear(outlet);
      outlet.appendChild(errorState(e));
      return undefined;
    }
  };

const nav: { path: string; label: string; role: string }[] = [
  { path: '/inbox', label: 'Inbox', role: 'officer' },
  { path: '/cases', label: 'Cases', role: '' },
  { path: '/designer', label: 'Designer', role: 'designer' },
  { path: '/supervisor', label: 'Supervisor', role: 'supervisor' },
];

function homeFor(): string {
  if (session.hasRole('officer')) return '/inbox';
  if (session.hasRole('designer')) return '/designer';
  if (session.hasRole('supervisor')) return '/supervisor';
  return '/cases';
}

async function boot(): Promise<void> {
  const app = document.getElementById('app')!;
  const navList = h('ul', { className: 'nav-links' });
  const userBox = h('div', { className: 'user-box' });
  const header = h(
    'header',
    { className: 'topbar' },
    h('a', { className: 'brand', href: '/' }, h('span', { className: 'brand-mark', 'aria-hidden': 'true' }, 'PF'), 'ProcurementFlows'),
    h('nav', { 'aria-label': 'Main' }, navList),
    userBox,
  );
  const outlet = h('main', { id: 'main', className: 'page', tabindex: '-1' });
  app.append(header, outlet);

  const router = new Router(outlet);

  const renderChrome = (path: string) => {
    const user = session.user;
    header.hidden = !user;
    clear(navList);
    clear(userBox);
    if (!user) return;
    for (const item of nav) {
      if (item.role && !session.hasRole(item.role)) continue;
      const active = path === item.path || path.startsWith(item.path + '/') || (item.path === '/inbox' && path.startsWith('/tasks/'));
      navList.appendChild(
        h('li', null, h('a', { href: item.path, className: active ? 'active' : '', 'aria-current': active ? 'page' : undefined }, item.label)),
      );
    }
    userBox.append(
      h('span', { className: 'user-name', title: `Roles: ${user.roles.join(', ')}; groups: ${user.groups.join(', ')}` }, user.displayName ?? user.userName),
      h(
        'button',
        {
          type: 'button',
          className: 'btn btn-ghost',
          onclick: async () => {
            try {
              await api.auth.signOut();
            } finally {
              session.set(null);
              router.go('/signin');
            }
          },
        },
        'Sign out',
      ),
    );
  };

  router.guard = (path) => {
    if (path === '/signin') return undefined;
    if (!session.user) return `/signin?return=${encodeURIComponent(location.pathname + location.search)}`;
    if (path === '/') return homeFor();
    return undefined;
  };
  router.onNavigate = renderChrome;

  router
    .add('/signin', 'Sign in', lazy(() => import('./pages/signin')))
    .add('/designer', 'Designer', lazy(() => import('./pages/designer')))
    .add('/designer/:key/:version', 'Modeler', lazy(() => import('./pages/modeler')))
    .add('/designer/:key/:version/history', 'Version history', lazy(() => import('./pages/history')))
    .add('/inbox', 'Inbox', lazy(() => import('./pages/inbox')))
    .add('/tasks/:id', 'Task', lazy(() => import('./pages/task')))
    .add('/cases', 'Cases', lazy(() => import('./pages/cases')))
    .add('/cases/:id', 'Case', lazy(() => import('./pages/case')))
    .add('/supervisor', 'Supervisor', lazy(() => import('./pages/supervisor')))
    .fallback((o) => {
      o.append(h('h1', { tabindex: '-1' }, 'Page not found'), h('p', null, h('a', { href: '/' }, 'Go to the start page')));
    });

  window.addEventListener(UNAUTHORIZED_EVENT, () => {
    if (location.pathname === '/signin') return;
    session.set(null);
    router.go(`/signin?return=${encodeURIComponent(location.pathname + location.search)}`);
  });

  outlet.appendChild(loading('Signing in…'));
  try {
    await session.refresh();
  } catch (e) {
    clear(outlet);
    outlet.appendChild(errorState(e, () => location.reload()));
    return;
  }
  clear(outlet);
  router.start();
}

void boot();
