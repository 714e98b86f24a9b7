// The task page: the form rendered by form-js, the case context, and completion with the
// server's field errors shown inline on the fields.
import { api, ApiError } from '../api/client';
import { checkTitle } from '../api/findings';
import type { HistoryEntry, TaskDetail, VettingFinding } from '../api/types';
import type { RenderedForm } from '../forms/viewer';
import { navigate, type PageRender } from '../router';
import { session } from '../session';
import { badge, clear, describeError, errorState, facts, formatDate, formatValue, h, load, loading, pageHeader, toast } from '../ui/dom';
import { delegateTask, dueBadges } from './inbox';

const STATUS_KIND: Record<string, 'ok' | 'warn' | 'danger' | 'muted'> = { clear: 'ok', hit: 'danger', 'needs-review': 'warn', 'not-found': 'muted' };

/** A finding's status as a badge that reads without colour too. */
export function findingBadge(status: string): HTMLElement {
  const label = status === 'needs-review' ? 'Needs review' : status === 'not-found' ? 'Not found' : status.charAt(0).toUpperCase() + status.slice(1);
  const el = badge(label, STATUS_KIND[status] ?? 'info');
  el.dataset.status = status;
  return el;
}

function findingsTable(findings: VettingFinding[]): HTMLElement {
  return h(
    'div',
    { className: 'table-wrap' },
    h(
      'table',
      { className: 'table findings-table' },
      h('caption', { className: 'sr-only' }, 'Registry checks and their results'),
      h('thead', null, h('tr', null, ...['Check', 'Status', 'Finding', 'Source', 'Retrieved'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        null,
        ...findings.map((f) =>
          h(
            'tr',
            { 'data-variable': f.variable, 'data-status': f.status },
            h('th', { scope: 'row' }, checkTitle(f)),
            h('td', null, findingBadge(f.status)),
            h('td', null, f.summary ?? '—', f.reasons.length ? h('ul', { className: 'reasons' }, ...f.reasons.map((r) => h('li', null, r))) : null),
            h('td', null, f.source ?? '—'),
            h('td', null, f.retrievedAt ? h('time', { datetime: f.retrievedAt }, formatDate(f.retrievedAt)) : '—'),
          ),
        ),
      ),
    ),
  );
}

/** Replaces activity ids in the history with their names from the diagram (best effort: ids stay when it cannot load). */
async function nameActivities(key: string, version: number): Promise<void> {
  let xml: string;
  try {
    xml = await api.definitions.xml(key, version);
  } catch {
    return; // the ids are still shown; nothing is lost
  }
  const names = new Map<string, string>();
  for (const el of Array.from(new DOMParser().parseFromString(xml, 'application/xml').querySelectorAll('[id][name]'))) names.set(el.getAttribute('id')!, el.getAttribute('name')!);
  for (const span of Array.from(document.querySelectorAll<HTMLElement>('#recent-history [data-activity-id]'))) {
    const name = names.get(span.dataset.activityId!);
    if (name) {
      span.textContent = ` ${name}`;
      span.title = span.dataset.activityId!;
    }
  }
}

/** "TaskCompleted" → "Task completed". */
function historyLabel(e: HistoryEntry): string {
  const words = e.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const page: PageRender = async (outlet, params) => {
  const body = h('div');
  outlet.append(body);
  let form: RenderedForm | undefined;
  await load(
    body,
    () => api.tasks.get(params.id!),
    (task) => {
      const view = renderTask(task, (f) => (form = f));
      return view;
    },
  );
  return () => form?.destroy();
};

function renderTask(task: TaskDetail, setForm: (f: RenderedForm) => void): HTMLElement {
  const mine = task.assignee === session.user?.userName;
  const formHost = h('div', { className: 'task-form', id: 'task-form' });
  const summary = h('div', { id: 'form-errors', 'aria-live': 'assertive' });
  const completeBtn = h('button', { type: 'button', className: 'btn btn-primary', id: 'complete' }, 'Complete task');
  const claimBtn = h('button', { type: 'button', className: 'btn btn-primary', id: 'claim' }, 'Claim');
  completeBtn.disabled = !mine;
  const delegateBtn = h('button', { type: 'button', className: 'btn', id: 'delegate' }, 'Delegate…');
  delegateBtn.onclick = () => void delegateTask(task, () => navigate('/inbox'));

  let rendered: RenderedForm | undefined;
  void (async () => {
    if (!task.form) {
      formHost.appendChild(h('p', { className: 'muted' }, 'This task has no form: completing it continues the case.'));
      return;
    }
    formHost.appendChild(loading('Loading the form…'));
    try {
      const { renderForm } = await import('../forms/viewer');
      clear(formHost);
      rendered = await renderForm(formHost, task.form, task.variables ?? {});
      setForm(rendered);
    } catch (e) {
      clear(formHost);
      formHost.appendChild(errorState(e));
    }
  })();

  const showSummary = (messages: string[]) => {
    clear(summary);
    if (!messages.length) return;
    summary.appendChild(
      h('div', { className: 'alert alert-danger', role: 'alert' }, h('p', { className: 'strong' }, 'The form cannot be submitted yet'), h('ul', null, ...messages.map((m) => h('li', null, m)))),
    );
  };

  completeBtn.onclick = async () => {
    let variables: Record<string, unknown> = {};
    if (rendered) {
      const { data, errors } = rendered.submit();
      const clientErrors = Object.values(errors).flat();
      if (clientErrors.length) {
        showSummary([`${clientErrors.length} field(s) need attention.`]);
        formHost.querySelector<HTMLElement>('.fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors select')?.focus();
        return;
      }
      variables = data;
    }
    completeBtn.disabled = true;
    completeBtn.textContent = 'Completing…';
    try {
      await api.tasks.complete(task.id, variables);
      toast(`Completed “${task.name}”`);
      navigate(`/cases/${encodeURIComponent(task.instanceId)}`);
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fieldErrors).length) {
        rendered?.showErrors(e.fieldErrors);
        showSummary(Object.entries(e.fieldErrors).flatMap(([field, messages]) => messages.map((m) => (field ? `${field}: ${m}` : m))));
      } else {
        const { title, detail } = describeError(e);
        showSummary([detail ? `${title}: ${detail}` : title]);
      }
      completeBtn.disabled = false;
      completeBtn.textContent = 'Complete task';
    }
  };

  claimBtn.onclick = async () => {
    claimBtn.disabled = true;
    try {
      await api.tasks.claim(task.id);
      toast(`Claimed “${task.name}”`);
      navigate(`/tasks/${encodeURIComponent(task.id)}`, true);
    } catch (e) {
      const { title, detail } = describeError(e);
      toast(detail ? `${title}: ${detail}` : title, 'danger');
      claimBtn.disabled = false;
    }
  };

  const context = task.context;
  if (task.definitionVersion && context?.history?.some((e) => e.activityId && !e.activityName)) void nameActivities(task.definitionKey, task.definitionVersion);
  const findings = context?.findings ?? [];
  const contextCard = h(
    'aside',
    { className: 'card case-context', 'aria-label': 'Case context' },
    h('h2', null, 'Case'),
    h(
      'section',
      { id: 'case-facts', 'aria-labelledby': 'facts-h' },
      h('h3', { id: 'facts-h' }, 'Key facts'),
      facts([
        ['Case', h('a', { href: `/cases/${encodeURIComponent(task.instanceId)}` }, task.businessKey ?? task.instanceId)],
        ['Process', task.definitionKey],
        ['Group', task.candidateGroups.join(', ') || '—'],
        ['Assignee', task.assignee ?? 'Unassigned'],
        ['Due', formatDate(task.dueAt)],
        ...Object.entries(context?.facts ?? {}).map(([k, v]): [string, string] => [k, typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? formatDate(v) : formatValue(v)]),
      ]),
    ),
    findings.length ? null : h('p', { className: 'muted', id: 'no-findings' }, 'No registry checks on this case.'),
    h(
      'section',
      { id: 'recent-history', 'aria-labelledby': 'history-h' },
      h('h3', { id: 'history-h' }, 'Recent history'),
      context?.history?.length
        ? h(
            'ol',
            { className: 'timeline compact' },
            ...context.history
              .slice(-8)
              .reverse()
              .map((e) => h('li', null, h('span', { className: 'strong' }, historyLabel(e)), e.activityId ? h('span', { className: 'muted', 'data-activity-id': e.activityId }, ` ${e.activityName ?? e.activityId}`) : null, h('div', { className: 'muted' }, `${formatDate(e.at)}${e.by ? ` · ${e.by}` : ''}`))),
          )
        : h('p', { className: 'muted' }, 'No history yet.'),
    ),
  );

  return h(
    'div',
    null,
    pageHeader(task.name, ...dueBadges(task), mine ? delegateBtn : task.assignee ? badge(`Assigned to ${task.assignee}`, 'muted') : claimBtn),
    h(
      'div',
      { className: 'task-layout' },
      h('section', { className: 'card', 'aria-label': 'Task form' }, summary, formHost, h('div', { className: 'form-actions' }, completeBtn, mine ? null : h('span', { className: 'muted' }, 'Claim the task to complete it.'))),
      contextCard,
    ),
    findings.length
      ? h(
          'section',
          { className: 'card', id: 'vetting-findings', 'aria-labelledby': 'findings-h' },
          h('h2', { id: 'findings-h' }, 'Vetting findings'),
          h('p', { className: 'muted' }, `${findings.filter((f) => f.status !== 'clear').length} of ${findings.length} check(s) need a look.`),
          findingsTable(findings),
        )
      : null,
  );
}

export default page;
