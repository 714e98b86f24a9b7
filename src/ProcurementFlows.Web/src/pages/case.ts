// A case: its diagram with the completed path and the active activities highlighted, pending timers,
// incidents, variables, and the audit trail with its verification result.
import { api } from '../api/client';
import type { InstanceDetail } from '../api/types';
import { createViewer, focusOn, overlayBadge, show, type Canvas, type DiagramHost, type ElementRegistry, type Overlays } from '../bpmn/diagram';
import { navigate, type PageRender } from '../router';
import { session } from '../session';
import { dialogField, DialogValidationError, openDialog } from '../ui/dialog';
import { describeTyped, parseTyped, VALUE_TYPES, VARIABLE_NAME, type ValueType } from '../ui/typedValue';
import { badge, clear, empty, errorState, facts, formatDate, formatValue, h, load, loading, pageHeader, toast } from '../ui/dom';
import { statusBadge } from './cases';

const page: PageRender = async (outlet, params) => {
  const body = h('div');
  outlet.append(body);
  let viewer: DiagramHost | undefined;
  await load(
    body,
    () => api.instances.get(params.id!),
    (instance) => renderCase(instance, (v) => (viewer = v)),
  );
  return () => viewer?.destroy();
};

/** Cancelling asks for confirmation and a reason (recorded in the case history). */
function cancelButton(instance: InstanceDetail): HTMLElement {
  const button = h('button', { type: 'button', className: 'btn btn-danger', id: 'cancel-case' }, 'Cancel case…');
  button.onclick = () => {
    const reason = h('textarea', { rows: 3, maxlength: 1000 });
    const field = dialogField('cancel-reason', 'Reason', reason, 'Recorded in the audit trail.');
    void openDialog({
      id: 'cancel-case-dialog',
      title: `Cancel ${instance.businessKey ?? instance.id}?`,
      description: 'The case stops: its open tasks and timers are withdrawn. This cannot be undone.',
      confirmLabel: 'Cancel case',
      danger: true,
      content: [field.field],
      onConfirm: async () => {
        const text = reason.value.trim();
        field.setError(text ? undefined : 'Give a reason for cancelling.');
        if (!text) {
          reason.focus();
          throw new DialogValidationError('Give a reason for cancelling.');
        }
        await api.instances.cancel(instance.id, text);
        toast(`Cancelled ${instance.businessKey ?? instance.id}`);
        navigate(`/cases/${encodeURIComponent(instance.id)}`, true);
      },
    });
  };
  return button;
}

/** The variables; supervisors can set them on an active case (each change is recorded in the history). */
function variablesCard(instance: InstanceDetail, variables: [string, unknown][], table: (headers: string[], rows: (string | Node)[][]) => HTMLElement): HTMLElement {
  const editable = session.hasRole('supervisor') && instance.status === 'active';
  const add = editable ? h('button', { type: 'button', className: 'btn btn-sm', id: 'add-variable' }, 'Add variable…') : null;
  if (add) add.onclick = () => editVariable(instance);
  const rows = variables.map(([k, v]): (string | Node)[] => {
    const cells: (string | Node)[] = [h('span', { className: 'mono' }, k), formatValue(v)];
    if (editable) {
      const edit = h('button', { type: 'button', className: 'btn btn-sm', 'data-action': 'edit-variable', 'data-name': k, 'aria-label': `Edit ${k}` }, 'Edit');
      edit.onclick = () => editVariable(instance, k, v);
      cells.push(edit);
    }
    return cells;
  });
  return h(
    'section',
    { className: 'card', id: 'case-variables' },
    h('div', { className: 'card-header' }, h('h2', null, 'Variables'), add),
    variables.length ? table(editable ? ['Name', 'Value', ''] : ['Name', 'Value'], rows) : empty('No variables.'),
  );
}

function editVariable(instance: InstanceDetail, name?: string, current?: unknown): void {
  const known = name !== undefined ? describeTyped(current) : { type: 'string' as ValueType, text: '' };
  const nameInput = h('input', { type: 'text', autocomplete: 'off', value: name ?? '', readonly: name !== undefined });
  const type = h('select', null, ...VALUE_TYPES.map((t) => h('option', { value: t.value, selected: t.value === known.type }, t.label)));
  const value = h('textarea', { rows: known.type === 'json' ? 6 : 2, className: 'mono' });
  value.value = known.text;
  const nameField = dialogField('variable-name', 'Name', nameInput);
  const typeField = dialogField('variable-type', 'Type', type);
  const valueField = dialogField('variable-value', 'Value', value, 'Stored as data, never evaluated.');
  void openDialog({
    id: 'variable-dialog',
    title: name !== undefined ? `Set ${name}` : 'Add a variable',
    description: 'The change is recorded in the case history.',
    confirmLabel: 'Save',
    initialFocus: name !== undefined ? value : nameInput,
    content: [nameField.field, typeField.field, valueField.field],
    onConfirm: async () => {
      const key = nameInput.value.trim();
      nameField.setError(VARIABLE_NAME.test(key) ? undefined : 'Use letters, digits and _, not starting with a digit.');
      const parsed = parseTyped(type.value as ValueType, value.value);
      valueField.setError('error' in parsed ? parsed.error : undefined);
      if (!VARIABLE_NAME.test(key) || 'error' in parsed) throw new DialogValidationError('The variable needs attention.');
      await api.instances.setVariable(instance.id, key, parsed.value, instance.revision);
      toast(`Set ${key}`);
      navigate(`/cases/${encodeURIComponent(instance.id)}`, true);
    },
  });
}

/** Activities the case has finished, from the explicit list or from the history. */
function completedActivities(instance: InstanceDetail): Set<string> {
  const done = new Set(instance.completedActivities ?? []);
  for (const e of instance.history) if (e.activityId && /complet|end|left|taken/i.test(e.type)) done.add(e.activityId);
  for (const a of instance.activeActivities) done.delete(a.activityId);
  return done;
}

/** An activity reference: its name when known, else its id (replaced by the name once the diagram loads). */
function activity(id: string, name?: string): HTMLElement {
  return h('span', { 'data-activity-id': id, title: id }, name ?? id);
}

function renderCase(instance: InstanceDetail, setViewer: (v: DiagramHost) => void): HTMLElement {
  const diagram = h('div', { className: 'diagram case-diagram', id: 'case-diagram', role: 'img', 'aria-label': 'Process diagram with the case path highlighted' });
  const audit = h('div', { id: 'audit-result' }, loading('Verifying the audit trail…'));
  diagram.appendChild(loading('Loading the diagram…'));

  void (async () => {
    try {
      const definition = await api.definitions.get(instance.definitionKey, instance.version);
      clear(diagram);
      const viewer = createViewer(diagram);
      setViewer(viewer);
      await show(viewer, definition.xml);
      const registry = viewer.get<ElementRegistry>('elementRegistry');
      const canvas = viewer.get<Canvas>('canvas');
      const overlays = viewer.get<Overlays>('overlays');
      for (const id of completedActivities(instance)) if (registry.get(id)) canvas.addMarker(id, 'case-completed');
      // Sequence flows between two completed nodes are part of the path taken.
      const done = completedActivities(instance);
      const active = new Set(instance.activeActivities.map((a) => a.activityId));
      for (const el of registry.filter((e) => e.type === 'bpmn:SequenceFlow')) {
        const bo = el.businessObject as unknown as { sourceRef?: { id: string }; targetRef?: { id: string } };
        if (bo.sourceRef && done.has(bo.sourceRef.id) && bo.targetRef && (done.has(bo.targetRef.id) || active.has(bo.targetRef.id))) canvas.addMarker(el.id, 'case-flow-taken');
      }
      for (const id of active) if (registry.get(id)) canvas.addMarker(id, 'case-active');
      for (const t of instance.timers) if (registry.get(t.activityId)) overlays.add(t.activityId, 'case', { position: { bottom: 10, left: -10 }, html: overlayBadge('T', 'badge-timer', `Timer due ${formatDate(t.dueAt)}`) });
      for (const i of instance.incidents) if (registry.get(i.activityId)) overlays.add(i.activityId, 'case', { position: { top: -10, right: 10 }, html: overlayBadge('!', 'badge-error', i.message) });
      focusOn(viewer, [...done, ...active]);
      // Now that the diagram is known, show activity names where the API gave ids.
      for (const span of Array.from(document.querySelectorAll<HTMLElement>('#main [data-activity-id]'))) {
        const name = registry.get(span.dataset.activityId!)?.businessObject.name;
        if (name && span.textContent === span.dataset.activityId) span.textContent = name;
      }
    } catch (e) {
      clear(diagram);
      diagram.appendChild(errorState(e));
    }
  })();

  void (async () => {
    try {
      const result = await api.instances.verifyAudit(instance.id);
      clear(audit);
      audit.appendChild(
        result.valid
          ? h('div', { className: 'alert alert-ok', role: 'status' }, `Audit chain verified: ${result.entries} entries, unbroken.`)
          : h('div', { className: 'alert alert-danger', role: 'alert' }, `Audit chain broken${result.firstInvalidSequence !== undefined ? ` at entry ${result.firstInvalidSequence}` : ''}. ${result.message ?? ''}`),
      );
    } catch (e) {
      clear(audit);
      audit.appendChild(errorState(e));
    }
  })();

  const table = (headers: string[], rows: (string | Node)[][]) =>
    h(
      'div',
      { className: 'table-wrap' },
      h('table', { className: 'table' }, h('thead', null, h('tr', null, ...headers.map((c) => h('th', { scope: 'col' }, c)))), h('tbody', null, ...rows.map((r) => h('tr', null, ...r.map((c) => h('td', null, c)))))),
    );

  const variables = Object.entries(instance.variables ?? {});
  return h(
    'div',
    null,
    pageHeader(
      instance.businessKey ?? instance.id,
      statusBadge(instance.status),
      instance.ocdsAvailable ? h('a', { className: 'btn', id: 'ocds-download', href: api.instances.ocdsUrl(instance.id), download: `${instance.businessKey ?? instance.id}-ocds.json` }, 'Download OCDS release package') : null,
      session.hasRole('supervisor') && instance.status === 'active' ? cancelButton(instance) : null,
    ),
    h(
      'div',
      { className: 'case-layout' },
      h(
        'section',
        { className: 'card', 'aria-labelledby': 'diagram-h' },
        h('h2', { id: 'diagram-h' }, 'Path'),
        h('ul', { className: 'legend' }, h('li', null, h('span', { className: 'swatch case-completed' }), 'completed'), h('li', null, h('span', { className: 'swatch case-active' }), 'active'), h('li', null, h('span', { className: 'diagram-badge badge-timer legend-badge' }, 'T'), 'timer'), h('li', null, h('span', { className: 'diagram-badge badge-error legend-badge' }, '!'), 'incident')),
        diagram,
      ),
      h(
        'aside',
        { className: 'card' },
        h('h2', null, 'Case'),
        facts([
          ['Process', `${instance.definitionKey} v${instance.version}`],
          ['Started', formatDate(instance.startedAt)],
          ['Started by', instance.startedBy ?? '—'],
          ['Ended', formatDate(instance.endedAt)],
          ['Active', instance.activeActivities.length ? h('span', null, ...instance.activeActivities.flatMap((a, i) => [i ? ', ' : '', activity(a.activityId, a.name)])) : '—'],
        ]),
      ),
    ),
    h(
      'div',
      { className: 'grid-2' },
      h(
        'section',
        { className: 'card', id: 'case-timers' },
        h('h2', null, 'Pending timers'),
        instance.timers.length ? table(['Activity', 'Kind', 'Due'], instance.timers.map((t) => [activity(t.activityId), t.kind ?? 'timer', formatDate(t.dueAt)])) : empty('No pending timers.'),
      ),
      h(
        'section',
        { className: 'card', id: 'case-incidents' },
        h('h2', null, 'Incidents'),
        instance.incidents.length ? table(['Activity', 'Message', 'Since'], instance.incidents.map((i) => [activity(i.activityId), i.message, formatDate(i.createdAt)])) : empty('No incidents.'),
      ),
    ),
    variablesCard(instance, variables, table),
    h(
      'section',
      { className: 'card', id: 'case-audit' },
      h('h2', null, 'Audit trail'),
      audit,
      instance.history.length
        ? table(
            ['#', 'Event', 'Activity', 'When', 'By'],
            instance.history.map((e) => [String(e.sequence), badge(e.type, 'muted'), e.activityId ? activity(e.activityId, e.activityName) : '—', formatDate(e.at), e.by ?? '—']),
          )
        : empty('No history yet.'),
    ),
  );
}

export default page;
