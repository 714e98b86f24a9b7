// A small history-API router: patterns like `/cases/:id`, links intercepted, focus moved to the
// new page's heading so keyboard and screen-reader users land on the content.

export type Params = Record<string, string>;

/** A page renders into `outlet`; the returned function (if any) cleans up when the page is left. */
export type PageRender = (outlet: HTMLElement, params: Params, query: URLSearchParams) => void | (() => void) | Promise<void | (() => void)>;

interface Route {
  pattern: RegExp;
  names: string[];
  render: PageRender;
  title: string;
}

let active: Router | undefined;

/** Navigates within the workbench (pages call this after an action). */
export function navigate(path: string, replace = false): void {
  if (active) active.go(path, replace);
  else location.assign(path);
}

export class Router {
  private readonly routes: Route[] = [];
  private cleanup: (() => void) | undefined;
  private notFound: PageRender = (outlet) => {
    outlet.textContent = 'Page not found';
  };
  /** Called before each navigation; returns a path to redirect to, or undefined to continue. */
  guard: (path: string) => string | undefined = () => undefined;
  onNavigate: (path: string) => void = () => {};

  constructor(private readonly outlet: HTMLElement) {
    active = this;
  }

  add(path: string, title: string, render: PageRender): this {
    const names: string[] = [];
    const source = path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({ pattern: new RegExp(`^${source}/?$`), names, render, title });
    return this;
  }

  fallback(render: PageRender): this {
    this.notFound = render;
    return this;
  }

  start(): void {
    window.addEventListener('popstate', () => void this.resolve());
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element | null)?.closest?.('a');
      if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
      const url = new URL(anchor.href, location.href);
      // In-page anchors (the skip link) keep the browser's own behaviour: scroll and move focus.
      if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
      if (url.origin !== location.origin || /^\/(api|account|hangfire|scalar|openapi|healthz|readyz)(\/|$)/.test(url.pathname) || url.pathname.endsWith('.html')) return;
      event.preventDefault();
      this.go(url.pathname + url.search);
    });
    void this.resolve();
  }

  go(path: string, replace = false): void {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    void this.resolve();
  }

  async resolve(): Promise<void> {
    const path = location.pathname;
    const redirect = this.guard(path);
    if (redirect && redirect !== path) {
      this.go(redirect, true);
      return;
    }
    this.cleanup?.();
    this.cleanup = undefined;
    this.outlet.replaceChildren();
    const query = new URLSearchParams(location.search);
    let render = this.notFound;
    let params: Params = {};
    let title = 'Not found';
    for (const route of this.routes) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      params = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]));
      render = route.render;
      title = route.title;
      break;
    }
    document.title = `${title} · ProcurementFlows`;
    this.onNavigate(path);
    const cleanup = await render(this.outlet, params, query);
    if (cleanup) this.cleanup = cleanup;
    const heading = this.outlet.querySelector<HTMLElement>('h1');
    if (heading && !this.outlet.contains(document.activeElement)) heading.focus({ preventScroll: true });
  }
}
