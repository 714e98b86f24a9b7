// Case search: by process, status, business key, current activity, starter and date range; paged.
import { api } from '../api/client';
import type { InstanceQuery, InstanceSummary, Page } from '../api/types';
import type { PageRender } from '../router';
import { session } from '../session';
import { badge, empty, formatDate, h, load, pageHeader } from '../ui/dom';

const PAGE_SIZE = 25;

export function statusBadge(status: string): HTMLElement {
  const s = status.toLowerCase();
  return badge(status, s === 'completed' ? 'ok' : s === 'incident' ? 'danger' : s === 'cancelled' ? 'muted' : 'info');
}

const page: PageRender = (outlet, _params, urlQuery) => {
  const query: InstanceQuery = { page: 1, pageSize: PAGE_SIZE };
  const field = (id: string, label: string, input: HTMLInputElement | HTMLSelectElement) =>
    h('div', { className: 'field' }, h('label', { for: id }, label), input);
  const businessKey = h('input', { id: 'q-business-key', type: 'search', value: urlQuery.get('businessKey') ?? '' });
  const key = h('input', { id: 'q-key', type: 'search', value: urlQuery.get('key') ?? '' });
  const activity = h('input', { id: 'q-activity', type: 'search' });
  const startedBy = h('input', { id: 'q-started-by', type: 'search' });
  const status = h(
    'select',
    { id: 'q-status' },
    h('option', { value: '' }, 'Any'),
    h('option', { value: 'active' }, 'Active'),
    h('option', { value: 'incident' }, 'With incident'),
    h('option', { value: 'completed' }, 'Completed'),
    h('option', { value: 'cancelled' }, 'Cancelled'),
  );
  const from = h('input', { id: 'q-from', type: 'date' });
  const to = h('input', { id: 'q-to', type: 'date' });
  const results = h('section', { className: 'card', id: 'case-results', 'aria-live': 'polite' });

  const form = h(
    'form',
    { className: 'search-form card', role: 'search', 'aria-label': 'Search cases' },
    field('q-business-key', 'Business key', businessKey),
    field('q-key', 'Process key', key),
    field('q-status', 'Status', status),
    field('q-activity', 'Current activity', activity),
    field('q-started-by', 'Started by', startedBy),
    field('q-from', 'Started from', from),
    field('q-to', 'Started to', to),
    h('div', { className: 'field field-actions' }, h('button', { type: 'submit', className: 'btn btn-primary' }, 'Search')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(query, {
      businessKey: businessKey.value.trim() || undefined,
      key: key.value.trim() || undefined,
      status: status.value || undefined,
      activity: activity.value.trim() || undefined,
      startedBy: startedBy.value.trim() || undefined,
      startedAfter: from.value ? new Date(`${from.value}T00:00:00`).toISOString() : undefined,
      startedBefore: to.value ? new Date(`${to.value}T23:59:59`).toISOString() : undefined,
      page: 1,
    });
    refresh();
  });

  const render = (result: Page<InstanceSummary>) => {
    if (!result.items.length) return empty('No cases match.', 'Widen the search or clear a field.');
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    return [
      h(
        'div',
        { className: 'table-wrap' },
        h(
          'table',
          { className: 'table' },
          h('caption', { className: 'sr-only' }, 'Cases'),
          h('thead', null, h('tr', null, ...['Case', 'Process', 'Status', 'Current activity', 'Started', 'Started by'].map((c) => h('th', { scope: 'col' }, c)))),
          h(
            'tbody',
            null,
            ...result.items.map((c) =>
              h(
                'tr',
                { 'data-instance-id': c.id },
                h('td', null, h('a', { href: `/cases/${encodeURIComponent(c.id)}`, className: 'strong' }, c.businessKey ?? c.id)),
                h('td', null, `${c.definitionKey} v${c.version}`),
                h('td', null, statusBadge(c.status)),
                h('td', null, c.currentActivities?.join(', ') || '—'),
                h('td', null, formatDate(c.startedAt)),
                h('td', null, c.startedBy ?? '—'),
              ),
            ),
          ),
        ),
      ),
      h(
        'div',
        { className: 'pager' },
        h('button', { type: 'button', className: 'btn btn-sm', disabled: (query.page ?? 1) <= 1, onclick: () => { query.page = (query.page ?? 1) - 1; refresh(); } }, 'Previous'),
        h('span', null, `Page ${query.page ?? 1} of ${pages} · ${result.total} case(s)`),
        h('button', { type: 'button', className: 'btn btn-sm', disabled: (query.page ?? 1) >= pages, onclick: () => { query.page = (query.page ?? 1) + 1; refresh(); } }, 'Next'),
      ),
    ];
  };
  const refresh = () => void load(results, () => api.instances.search(query), render);

  query.businessKey = businessKey.value || undefined;
  query.key = key.value || undefined;
  const start = session.hasRole('officer') || session.hasRole('supervisor') ? h('button', { type: 'button', className: 'btn btn-primary', id: 'start-case' }, 'Start case…') : null;
  if (start) start.onclick = () => void import('./startCase').then((m) => m.startCase(urlQuery.get('start') ?? undefined));
  outlet.append(pageHeader('Cases', start), form, results);
  refresh();
};

export default page;
