// Tiny DOM helpers: elements are built with text nodes only (never innerHTML with data),
// so values from the server cannot inject markup.
import { ApiError } from '../api/client';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element; `on*` attributes with function values become event listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (typeof value === 'function') {
        el.addEventListener(name.slice(2).toLowerCase(), value);
      } else if (name === 'className') {
        el.className = String(value);
      } else if (value === true) {
        el.setAttribute(name, '');
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A visible loading indicator announced to assistive technology. */
export function loading(label = 'Loading…'): HTMLElement {
  return h('div', { className: 'state state-loading', role: 'status', 'aria-live': 'polite' }, h('span', { className: 'spinner', 'aria-hidden': 'true' }), label);
}

export function empty(message: string, hint?: string): HTMLElement {
  return h('div', { className: 'state state-empty' }, h('p', { className: 'state-title' }, message), hint ? h('p', null, hint) : null);
}

/** An error panel with the server's problem details and an optional retry. */
export function errorState(error: unknown, retry?: () => void): HTMLElement {
  const { title, detail } = describeError(error);
  return h(
    'div',
    { className: 'state state-error', role: 'alert' },
    h('p', { className: 'state-title' }, title),
    detail ? h('p', null, detail) : null,
    retry ? h('button', { type: 'button', className: 'btn', onclick: () => retry() }, 'Try again') : null,
  );
}

export function describeError(error: unknown): { title: string; detail?: string } {
  if (error instanceof ApiError) {
    if (error.status === 403) return { title: 'You do not have access to this', detail: error.problem.detail };
    if (error.status === 404) return { title: 'Not found', detail: error.problem.detail ?? 'It may have been removed or never existed.' };
    if (error.status === 409) return { title: 'Someone else changed this first', detail: 'Reload to see the latest state, then try again.' };
    return { title: error.problem.title ?? 'The request failed', detail: error.problem.detail };
  }
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}

/** Runs a loader, showing loading, error (with retry) and the rendered result in `target`. */
export async function load<T>(target: HTMLElement, loader: () => Promise<T>, render: (value: T) => Node | Node[]): Promise<void> {
  clear(target);
  target.setAttribute('aria-busy', 'true');
  target.appendChild(loading());
  try {
    const value = await loader();
    clear(target);
    append(target, render(value));
  } catch (e) {
    clear(target);
    target.appendChild(errorState(e, () => void load(target, loader, render)));
  } finally {
    target.removeAttribute('aria-busy');
  }
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso?: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400 * 2) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function badge(text: string, kind: 'ok' | 'warn' | 'danger' | 'info' | 'muted'): HTMLElement {
  return h('span', { className: `badge badge-${kind}` }, text);
}

/** A short-lived message in the shared live region. */
export function toast(message: string, kind: 'ok' | 'danger' = 'ok'): void {
  const region = document.getElementById('toasts');
  if (!region) return;
  const item = h('div', { className: `toast toast-${kind}`, role: kind === 'danger' ? 'alert' : 'status' }, message);
  region.appendChild(item);
  setTimeout(() => item.remove(), 5000);
}

export function pageHeader(title: string, ...actions: Child[]): HTMLElement {
  return h('header', { className: 'page-header' }, h('h1', { tabindex: '-1' }, title), h('div', { className: 'page-actions' }, ...actions));
}

/** A key/value definition list. */
export function facts(entries: [string, Child][]): HTMLElement {
  return h('dl', { className: 'facts' }, ...entries.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]));
}
