// The officer's inbox: my tasks and my groups' claimable tasks, sortable and filterable, with due,
// overdue and escalated badges; claim, unclaim and delegate in place.
import { api } from '../api/client';
import type { TaskFilter, TaskQuery, TaskSummary } from '../api/types';
import type { PageRender } from '../router';
import { session } from '../session';
import { badge, clear, describeError, empty, formatDate, h, load, pageHeader, toast } from '../ui/dom';

const PAGE_SIZE = 25;

export function dueBadges(task: TaskSummary, now = Date.now()): HTMLElement[] {
  const badges: HTMLElement[] = [];
  if (task.escalated) badges.push(badge('Escalated', 'danger'));
  if (task.dueAt) {
    const due = new Date(task.dueAt).getTime();
    if (due < now) badges.push(badge('Overdue', 'danger'));
    else if (due - now < 24 * 3600 * 1000) badges.push(badge('Due soon', 'warn'));
  }
  return badges;
}

const page: PageRender = (outlet, _params, urlQuery) => {
  const query: TaskQuery = {
    filter: (urlQuery.get('filter') as TaskFilter) === 'claimable' ? 'claimable' : 'mine',
    sort: 'due',
    order: 'asc',
    page: 1,
    pageSize: PAGE_SIZE,
  };
  const results = h('section', { className: 'card', id: 'task-list', 'aria-live': 'polite' });
  const tabs = (['mine', 'claimable'] as TaskFilter[]).map((f) =>
    h('button', { type: 'button', role: 'tab', 'aria-selected': String(query.filter === f), id: `tab-${f}`, 'data-filter': f }, f === 'mine' ? 'My tasks' : 'My groups (claimable)'),
  );
  for (const tab of tabs) {
    tab.onclick = () => {
      query.filter = tab.dataset.filter as TaskFilter;
      query.page = 1;
      for (const t of tabs) t.setAttribute('aria-selected', String(t === tab));
      history.replaceState(null, '', `/inbox?filter=${query.filter}`);
      refresh();
    };
  }

  const search = h('input', { type: 'search', id: 'task-search', placeholder: 'Filter by task, case or group', 'aria-label': 'Filter by task, case or group' });
  const overdue = h('input', { type: 'checkbox', id: 'only-overdue' });
  const escalated = h('input', { type: 'checkbox', id: 'only-escalated' });
  const dueBefore = h('input', { type: 'date', id: 'due-before', 'aria-label': 'Due before' });
  let debounce: ReturnType<typeof setTimeout> | undefined;
  // The API has no free-text search: the filter narrows the loaded page.
  const applySearch = () => {
    const term = search.value.trim().toLowerCase();
    for (const row of Array.from(results.querySelectorAll<HTMLTableRowElement>('tbody tr'))) row.hidden = !!term && !row.textContent!.toLowerCase().includes(term);
  };
  search.oninput = () => {
    clearTimeout(debounce);
    debounce = setTimeout(applySearch, 150);
  };
  overdue.onchange = () => {
    query.overdue = overdue.checked || undefined;
    refresh();
  };
  escalated.onchange = () => {
    query.escalated = escalated.checked || undefined;
    refresh();
  };
  dueBefore.onchange = () => {
    query.dueBefore = dueBefore.value ? new Date(`${dueBefore.value}T23:59:59`).toISOString() : undefined;
    refresh();
  };

  const sortHeader = (label: string, field: NonNullable<TaskQuery['sort']>) => {
    const active = query.sort === field;
    const th = h('th', { scope: 'col', 'aria-sort': active ? (query.order === 'asc' ? 'ascending' : 'descending') : 'none' });
    th.appendChild(
      h(
        'button',
        {
          type: 'button',
          className: 'sort',
          onclick: () => {
            query.order = query.sort === field && query.order === 'asc' ? 'desc' : 'asc';
            query.sort = field;
            refresh();
          },
        },
        label,
        active ? (query.order === 'asc' ? ' ▲' : ' ▼') : '',
      ),
    );
    return th;
  };

  const act = async (button: HTMLButtonElement, work: () => Promise<void>, done: string) => {
    button.disabled = true;
    try {
      await work();
      toast(done);
      refresh();
    } catch (e) {
      const { title, detail } = describeError(e);
      toast(detail ? `${title}: ${detail}` : title, 'danger');
      button.disabled = false;
    }
  };

  const actions = (task: TaskSummary) => {
    const me = session.user?.userName;
    const cells: HTMLElement[] = [];
    if (!task.assignee) {
      const claim = h('button', { type: 'button', className: 'btn btn-sm btn-primary', 'data-action': 'claim' }, 'Claim');
      claim.onclick = () => void act(claim, () => api.tasks.claim(task.id), `Claimed “${task.name}”`);
      cells.push(claim);
    } else if (task.assignee === me) {
      const unclaim = h('button', { type: 'button', className: 'btn btn-sm', 'data-action': 'unclaim' }, 'Unclaim');
      unclaim.onclick = () => void act(unclaim, () => api.tasks.unclaim(task.id), `Returned “${task.name}” to the group`);
      const delegate = h('button', { type: 'button', className: 'btn btn-sm', 'data-action': 'delegate' }, 'Delegate');
      delegate.onclick = () => {
        const to = prompt(`Delegate “${task.name}” to (user name):`)?.trim();
        if (to) void act(delegate, () => api.tasks.delegate(task.id, to), `Delegated “${task.name}” to ${to}`);
      };
      cells.push(h('a', { className: 'btn btn-sm btn-primary', href: `/tasks/${encodeURIComponent(task.id)}` }, 'Open'), unclaim, delegate);
    }
    return cells;
  };

  const render = (result: { items: TaskSummary[]; total: number }) => {
    if (!result.items.length) {
      return empty(
        query.filter === 'mine' ? 'You have no tasks.' : 'Your groups have no tasks to claim.',
        query.overdue || query.escalated || query.dueBefore ? 'Clear the filters to see more.' : undefined,
      );
    }
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const pager = h(
      'div',
      { className: 'pager' },
      h('button', { type: 'button', className: 'btn btn-sm', disabled: (query.page ?? 1) <= 1, onclick: () => { query.page = (query.page ?? 1) - 1; refresh(); } }, 'Previous'),
      h('span', null, `Page ${query.page ?? 1} of ${pages} · ${result.total} task(s)`),
      h('button', { type: 'button', className: 'btn btn-sm', disabled: (query.page ?? 1) >= pages, onclick: () => { query.page = (query.page ?? 1) + 1; refresh(); } }, 'Next'),
    );
    return [
      h(
        'div',
        { className: 'table-wrap' },
        h(
          'table',
          { className: 'table' },
          h('caption', { className: 'sr-only' }, query.filter === 'mine' ? 'My tasks' : 'Claimable tasks'),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Task'), h('th', { scope: 'col' }, 'Case'), h('th', { scope: 'col' }, 'Group'), sortHeader('Due', 'due'), sortHeader('Created', 'created'), sortHeader('Priority', 'priority'), h('th', { scope: 'col' }, h('span', { className: 'sr-only' }, 'Actions')))),
          h(
            'tbody',
            null,
            ...result.items.map((t) =>
              h(
                'tr',
                { 'data-task-id': t.id, 'data-task-name': t.name },
                h('td', null, t.assignee === session.user?.userName ? h('a', { href: `/tasks/${encodeURIComponent(t.id)}`, className: 'strong' }, t.name) : h('span', { className: 'strong' }, t.name), ' ', ...dueBadges(t)),
                h('td', null, h('a', { href: `/cases/${encodeURIComponent(t.instanceId)}` }, t.businessKey ?? t.instanceId), h('div', { className: 'muted' }, t.definitionKey)),
                h('td', null, t.candidateGroups.join(', ') || '—'),
                h('td', null, formatDate(t.dueAt)),
                h('td', null, formatDate(t.createdAt)),
                h('td', null, t.priority ?? '—'),
                h('td', { className: 'row-actions' }, ...actions(t)),
              ),
            ),
          ),
        ),
      ),
      pager,
    ];
  };

  function refresh() {
    void load(results, () => api.tasks.query(query), render).then(applySearch);
  }

  outlet.append(
    pageHeader('Inbox'),
    h('div', { className: 'tabs', role: 'tablist', 'aria-label': 'Task lists' }, ...tabs),
    h(
      'div',
      { className: 'filters', role: 'search' },
      search,
      h('label', { className: 'check' }, overdue, 'Overdue'),
      h('label', { className: 'check' }, escalated, 'Escalated'),
      h('label', { className: 'inline', for: 'due-before' }, 'Due before', dueBefore),
    ),
    results,
  );
  refresh();
  const timer = setInterval(() => {
    if (!document.hidden && !results.getAttribute('aria-busy') && !results.contains(document.activeElement)) refresh();
  }, 30000);
  return () => {
    clearTimeout(debounce);
    clearInterval(timer);
    clear(results);
  };
};

export default page;
