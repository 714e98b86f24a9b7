// The officer's inbox: my tasks and my groups' claimable tasks, sortable and filterable, with due,
// overdue and escalated badges; claim, unclaim and delegate in place.
import { api } from '../api/client';
import type { TaskFilter, TaskQuery, TaskSummary } from '../api/types';
import type { PageRender } from '../router';
import { session } from '../session';
import { badge, clear, describeError, empty, formatDate, h, load, pageHeader, toast } from '../ui/dom';
import { pickUser } from '../ui/userPicker';

/** Opens the user picker for a task's candidate groups and delegates to whoever is chosen. */
export function delegateTask(task: TaskSummary, done: () => void): Promise<boolean> {
  return pickUser({
    id: 'delegate-dialog',
    title: `Delegate “${task.name}”`,
    description: 'The task goes to the chosen officer and comes back to you when they resolve it.',
    confirmLabel: 'Delegate',
    groups: task.candidateGroups,
    exclude: [session.user?.userName ?? '', task.assignee ?? ''],
    onPick: async (userName) => {
      await api.tasks.delegate(task.id, userName);
      toast(`Delegated “${task.name}” to ${userName}`);
      done();
    },
  });
}

/** yyyy-mm-dd of an ISO instant in local time, for a date input. */
function localDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

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

const SORTS: NonNullable<TaskQuery['sort']>[] = ['due', 'created', 'priority'];

/** The inbox state lives in the URL (filter, search, flags, sort, page), so a reload or a shared link shows the same list. */
function fromUrl(url: URLSearchParams): TaskQuery {
  const sort = url.get('sort') as TaskQuery['sort'];
  return {
    filter: (url.get('filter') as TaskFilter) === 'claimable' ? 'claimable' : 'mine',
    q: url.get('q') ?? undefined,
    overdue: url.get('overdue') === 'true' || undefined,
    escalated: url.get('escalated') === 'true' || undefined,
    dueBefore: url.get('dueBefore') ?? undefined,
    sort: sort && SORTS.includes(sort) ? sort : 'due',
    order: url.get('order') === 'desc' ? 'desc' : 'asc',
    page: Math.max(1, Number(url.get('page')) || 1),
    pageSize: PAGE_SIZE,
  };
}

function toUrl(query: TaskQuery): string {
  const url = new URLSearchParams({ filter: query.filter });
  if (query.q?.trim()) url.set('q', query.q.trim());
  if (query.overdue) url.set('overdue', 'true');
  if (query.escalated) url.set('escalated', 'true');
  if (query.dueBefore) url.set('dueBefore', query.dueBefore);
  if (query.sort && query.sort !== 'due') url.set('sort', query.sort);
  if (query.order === 'desc') url.set('order', 'desc');
  if ((query.page ?? 1) > 1) url.set('page', String(query.page));
  return `/inbox?${url.toString()}`;
}

const page: PageRender = (outlet, _params, urlQuery) => {
  const query = fromUrl(urlQuery);
  const results = h('section', { className: 'card', id: 'task-list', 'aria-live': 'polite' });
  const tabs = (['mine', 'claimable'] as TaskFilter[]).map((f) =>
    h('button', { type: 'button', role: 'tab', 'aria-selected': String(query.filter === f), id: `tab-${f}`, 'data-filter': f }, f === 'mine' ? 'My tasks' : 'My groups (claimable)'),
  );
  // ARIA tabs: one tab stop; the arrow keys move between the tabs and select them.
  for (const tab of tabs) {
    tab.tabIndex = tab.getAttribute('aria-selected') === 'true' ? 0 : -1;
    tab.onkeydown = (event) => {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      event.preventDefault();
      const next = tabs[(tabs.indexOf(tab) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!;
      next.focus();
      next.click();
    };
    tab.onclick = () => {
      query.filter = tab.dataset.filter as TaskFilter;
      query.page = 1;
      for (const t of tabs) {
        t.setAttribute('aria-selected', String(t === tab));
        t.tabIndex = t === tab ? 0 : -1;
      }
      refresh();
    };
  }

  const search = h('input', { type: 'search', id: 'task-search', placeholder: 'Search tasks, cases, processes', 'aria-label': 'Search tasks', value: query.q ?? '' });
  const overdue = h('input', { type: 'checkbox', id: 'only-overdue', checked: !!query.overdue });
  const escalated = h('input', { type: 'checkbox', id: 'only-escalated', checked: !!query.escalated });
  const dueBefore = h('input', { type: 'date', id: 'due-before', 'aria-label': 'Due before', value: query.dueBefore ? localDate(query.dueBefore) : '' });
  let debounce: ReturnType<typeof setTimeout> | undefined;
  // The server searches (the `q` parameter) so paging and sorting stay right; typing waits for a pause.
  search.oninput = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      if ((query.q ?? '') === search.value.trim()) return;
      query.q = search.value.trim() || undefined;
      query.page = 1;
      refresh();
    }, 300);
  };
  overdue.onchange = () => {
    query.overdue = overdue.checked || undefined;
    query.page = 1;
    refresh();
  };
  escalated.onchange = () => {
    query.escalated = escalated.checked || undefined;
    query.page = 1;
    refresh();
  };
  dueBefore.onchange = () => {
    query.dueBefore = dueBefore.value ? new Date(`${dueBefore.value}T23:59:59`).toISOString() : undefined;
    query.page = 1;
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
      delegate.onclick = () => void delegateTask(task, () => refresh());
      cells.push(h('a', { className: 'btn btn-sm btn-primary', href: `/tasks/${encodeURIComponent(task.id)}` }, 'Open'), unclaim, delegate);
    }
    return cells;
  };

  const render = (result: { items: TaskSummary[]; total: number; totalExact: boolean }) => {
    if (!result.items.length) {
      return empty(
        query.q || query.overdue || query.escalated || query.dueBefore ? 'No task matches.' : query.filter === 'mine' ? 'You have no tasks.' : 'Your groups have no tasks to claim.',
        query.q ? `Nothing matches “${query.q}”. Clear the search to see more.` : query.overdue || query.escalated || query.dueBefore ? 'Clear the filters to see more.' : undefined,
      );
    }
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    // Past 1,000 tasks beyond the page the server's total is a lower bound: "at least", and Next stays available.
    const counted = result.totalExact ? `Page ${query.page ?? 1} of ${pages} · ${result.total} task(s)` : `Page ${query.page ?? 1} of at least ${pages} · at least ${result.total} tasks`;
    const pager = h(
      'div',
      { className: 'pager' },
      h('button', { type: 'button', className: 'btn btn-sm', disabled: (query.page ?? 1) <= 1, onclick: () => { query.page = (query.page ?? 1) - 1; refresh(); } }, 'Previous'),
      h('span', null, counted),
      h('button', { type: 'button', className: 'btn btn-sm', disabled: result.totalExact && (query.page ?? 1) >= pages, onclick: () => { query.page = (query.page ?? 1) + 1; refresh(); } }, 'Next'),
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
    const url = toUrl(query);
    if (location.pathname + location.search !== url) history.replaceState(null, '', url);
    void load(results, () => api.tasks.query(query), render);
  }

  outlet.append(
    pageHeader('Inbox', h('button', { type: 'button', className: 'btn', id: 'start-case', onclick: () => void import('./startCase').then((m) => m.startCase()) }, 'Start case…')),
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
