// Picks a user from the directory (GET /api/users) in a dialog: a searchable list narrowed to the
// task's candidate groups, operated with the keyboard as an ARIA combobox (type to search, arrow keys
// to move, Enter to choose, Escape to close).
import { api } from '../api/client';
import type { UserSummary } from '../api/types';
import { clear, describeError, h } from './dom';
import { DialogValidationError, openDialog } from './dialog';

export interface UserPickerOptions {
  /** The dialog's id (`delegate-dialog`, `reassign-dialog`). */
  id: string;
  title: string;
  description?: string;
  confirmLabel: string;
  /** Only members of these groups are offered (any group when empty). */
  groups: string[];
  /** Offer a switch to search every user, not only the groups' members (supervisors reassigning). */
  allowOutsideGroups?: boolean;
  /** Users not to offer (e.g. the current assignee). */
  exclude?: string[];
  /** Runs with the chosen user name; a failure keeps the dialog open with the problem shown. */
  onPick: (userName: string) => Promise<void>;
}

/** Officers (who can work tasks) in any of `groups` matching `q`, each user once, sorted by name. */
async function searchUsers(groups: string[], q: string): Promise<UserSummary[]> {
  const role = 'officer';
  const lists = groups.length ? await Promise.all(groups.map((group) => api.users.search({ group, role, q }))) : [await api.users.search({ role, q })];
  const byName = new Map<string, UserSummary>();
  for (const u of lists.flat()) {
    const known = byName.get(u.userName);
    if (known) known.groups = [...new Set([...known.groups, ...u.groups])];
    else byName.set(u.userName, { ...u, groups: [...u.groups] });
  }
  return [...byName.values()].sort((a, b) => (a.displayName ?? a.userName).localeCompare(b.displayName ?? b.userName));
}

export function pickUser(options: UserPickerOptions): Promise<boolean> {
  const listId = `${options.id}-list`;
  const input = h('input', {
    type: 'text',
    id: `${options.id}-input`,
    role: 'combobox',
    autocomplete: 'off',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': listId,
    placeholder: 'Type a name or user name',
  });
  const list = h('ul', { id: listId, role: 'listbox', className: 'picker-list', 'aria-label': 'Users' });
  const status = h('p', { className: 'muted picker-status', role: 'status', 'aria-live': 'polite' });
  const chosen = h('p', { className: 'picker-chosen', 'aria-live': 'polite' });
  let users: UserSummary[] = [];
  let active = -1;
  let selected: UserSummary | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const exclude = new Set(options.exclude ?? []);
  let onlyGroups = options.groups.length > 0;
  const groupsToggle =
    options.allowOutsideGroups && options.groups.length
      ? h('label', { className: 'check picker-scope' }, h('input', { type: 'checkbox', id: `${options.id}-only-groups`, checked: true, onchange: (e: Event) => { onlyGroups = (e.target as HTMLInputElement).checked; void search(); } }), `Only members of ${options.groups.join(', ')}`)
      : null;

  const optionId = (i: number) => `${options.id}-option-${i}`;
  const setActive = (i: number) => {
    active = users.length ? (i + users.length) % users.length : -1;
    for (const [n, li] of Array.from(list.children).entries()) li.classList.toggle('active', n === active);
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', optionId(active));
      list.children[active]?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const choose = (user: UserSummary) => {
    selected = user;
    input.value = user.displayName ?? user.userName;
    for (const li of Array.from(list.children)) li.setAttribute('aria-selected', String((li as HTMLElement).dataset.userName === user.userName));
    chosen.textContent = `Chosen: ${user.displayName ?? user.userName} (${user.userName})`;
  };
  const renderList = () => {
    clear(list);
    users.forEach((u, i) =>
      list.appendChild(
        h(
          'li',
          { id: optionId(i), role: 'option', 'aria-selected': String(selected?.userName === u.userName), 'data-user-name': u.userName, onmousedown: (e: Event) => e.preventDefault(), onclick: () => { setActive(i); choose(u); } },
          h('span', { className: 'strong' }, u.displayName ?? u.userName),
          ' ',
          h('span', { className: 'muted' }, u.userName),
          u.groups.length ? h('span', { className: 'muted picker-groups' }, u.groups.filter((g) => !options.groups.length || options.groups.includes(g)).join(', ')) : null,
        ),
      ),
    );
    input.setAttribute('aria-expanded', String(users.length > 0));
    setActive(users.length ? 0 : -1);
  };
  const search = async () => {
    const mine = ++generation;
    status.textContent = 'Searching…';
    try {
      const groups = onlyGroups ? options.groups : [];
      const found = (await searchUsers(groups, input.value)).filter((u) => !exclude.has(u.userName));
      if (mine !== generation) return;
      users = found;
      renderList();
      const scope = groups.length ? ` in ${groups.join(', ')}` : '';
      status.textContent = users.length ? `${users.length} user(s)${scope}. Use the arrow keys and Enter to choose.` : `No user${scope} matches “${input.value.trim()}”.`;
    } catch (e) {
      if (mine !== generation) return;
      users = [];
      renderList();
      const { title, detail } = describeError(e);
      status.textContent = detail ? `${title}: ${detail}` : title;
    }
  };
  input.addEventListener('input', () => {
    selected = undefined;
    chosen.textContent = '';
    clearTimeout(debounce);
    debounce = setTimeout(() => void search(), 200);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive(active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Home' && users.length && event.ctrlKey) {
      setActive(0);
    } else if (event.key === 'Enter' && active >= 0 && users[active] && selected?.userName !== users[active]!.userName) {
      // The first Enter chooses the highlighted user; the next one confirms the dialog.
      event.preventDefault();
      choose(users[active]!);
    }
  });
  void search();

  return openDialog({
    id: options.id,
    title: options.title,
    description: options.description,
    confirmLabel: options.confirmLabel,
    initialFocus: input,
    content: [groupsToggle, h('label', { for: input.id }, 'User'), input, status, list, chosen].filter((n): n is NonNullable<typeof n> => !!n),
    onConfirm: async () => {
      clearTimeout(debounce);
      if (!selected) throw new DialogValidationError('Choose a user from the list.');
      await options.onPick(selected.userName);
    },
  });
}
