// The supervisor dashboard: escalated and overdue tasks by group and officer (with reassign),
// incidents with retry, and SLA per stage as a table, a chart and a heat map over the diagram.
import { api } from '../api/client';
import type { DefinitionSummary, Incident, SlaReport, SupervisionOverview, TaskSummary } from '../api/types';
import { createViewer, focusOn, overlayBadge, show, type DiagramHost, type ElementRegistry, type Overlays } from '../bpmn/diagram';
import { barChart } from '../charts/bars';
import type { PageRender } from '../router';
import { clear, describeError, empty, errorState, formatDate, formatDuration, h, load, loading, pageHeader, toast } from '../ui/dom';
import { dueBadges } from './inbox';
import { pickUser } from '../ui/userPicker';

const page: PageRender = (outlet) => {
  const overview = h('div', { id: 'supervision-overview' });
  const incidents = h('section', { className: 'card', id: 'incidents' });
  const sla = h('section', { className: 'card', id: 'sla' });
  let viewer: DiagramHost | undefined;
  outlet.append(pageHeader('Supervision'), overview, incidents, sla);

  const refreshOverview = () => void load(overview, () => api.supervision.overview(), (o) => renderOverview(o, refreshOverview));
  const refreshIncidents = () => void load(incidents, () => api.supervision.incidents(), (list) => renderIncidents(list, refreshIncidents));
  refreshOverview();
  refreshIncidents();
  void load(sla, () => api.definitions.list(), (defs) => renderSlaPicker(defs, (v) => {
    viewer?.destroy();
    viewer = v;
  }));
  return () => viewer?.destroy();
};

function renderOverview(o: SupervisionOverview, refresh: () => void): Node[] {
  const series = [
    { label: 'Overdue', className: 'bar-warn' },
    { label: 'Escalated', className: 'bar-danger' },
  ];
  const chartCard = (title: string, rows: SupervisionOverview['byGroup'], id: string) =>
    h('section', { className: 'card', id }, h('h2', null, title), rows.length ? barChart(title, series, rows.map((r) => ({ label: r.name, values: [r.overdue, r.escalated] })), String, 'grouped') : empty('Nothing overdue or escalated.'));
  const reassign = (task: TaskSummary) =>
    pickUser({
      id: 'reassign-dialog',
      title: `Reassign “${task.name}”`,
      description: task.assignee ? `Currently assigned to ${task.assignee}.` : 'Currently unassigned.',
      confirmLabel: 'Reassign',
      groups: task.candidateGroups,
      exclude: task.assignee ? [task.assignee] : [],
      allowOutsideGroups: true,
      onPick: async (userName) => {
        await api.supervision.reassign(task.id, userName);
        toast(`Reassigned “${task.name}” to ${userName}`);
        refresh();
      },
    });
  return [
    h('div', { className: 'grid-2' }, chartCard('By group', o.byGroup, 'by-group'), chartCard('By officer', o.byOfficer, 'by-officer')),
    h(
      'section',
      { className: 'card', id: 'attention-tasks' },
      h('h2', null, 'Escalated and overdue tasks'),
      o.tasks.length
        ? h(
            'div',
            { className: 'table-wrap' },
            h(
              'table',
              { className: 'table' },
              h('thead', null, h('tr', null, ...['Task', 'Case', 'Group', 'Assignee', 'Due', ''].map((c) => h('th', { scope: 'col' }, c)))),
              h(
                'tbody',
                null,
                ...o.tasks.map((t) => {
                  const btn = h('button', { type: 'button', className: 'btn btn-sm', 'data-action': 'reassign' }, 'Reassign');
                  btn.onclick = () => void reassign(t);
                  return h(
                    'tr',
                    { 'data-task-id': t.id, 'data-task-name': t.name },
                    h('td', null, h('span', { className: 'strong' }, t.name), ' ', ...dueBadges(t)),
                    h('td', null, h('a', { href: `/cases/${encodeURIComponent(t.instanceId)}` }, t.businessKey ?? t.instanceId)),
                    h('td', null, t.candidateGroups.join(', ') || '—'),
                    h('td', null, t.assignee ?? 'Unassigned'),
                    h('td', null, formatDate(t.dueAt)),
                    h('td', { className: 'row-actions' }, btn),
                  );
                }),
              ),
            ),
          )
        : empty('No task is overdue or escalated.'),
    ),
  ];
}

function renderIncidents(list: Incident[], refresh: () => void): Node[] {
  if (!list.length) return [h('h2', null, 'Incidents'), empty('No open incidents.')];
  return [
    h('h2', null, `Incidents (${list.length})`),
    h(
      'div',
      { className: 'table-wrap' },
      h(
        'table',
        { className: 'table' },
        h('thead', null, h('tr', null, ...['Case', 'Activity', 'Message', 'Since', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          null,
          ...list.map((i) => {
            const retry = h('button', { type: 'button', className: 'btn btn-sm btn-primary', 'data-action': 'retry' }, 'Retry');
            retry.onclick = async () => {
              retry.disabled = true;
              try {
                await api.supervision.retryIncident(i.id);
                toast('Retry scheduled');
                refresh();
              } catch (e) {
                const { title, detail } = describeError(e);
                toast(detail ? `${title}: ${detail}` : title, 'danger');
                retry.disabled = false;
              }
            };
            return h('tr', null, h('td', null, h('a', { href: `/cases/${encodeURIComponent(i.instanceId)}` }, i.instanceId)), h('td', { className: 'mono' }, i.activityId), h('td', null, i.message), h('td', null, formatDate(i.createdAt)), h('td', null, retry));
          }),
        ),
      ),
    ),
  ];
}

function renderSlaPicker(definitions: DefinitionSummary[], setViewer: (v: DiagramHost) => void): Node[] {
  if (!definitions.length) return [h('h2', null, 'Service levels'), empty('No processes deployed.')];
  const select = h('select', { id: 'sla-process', 'aria-label': 'Process' }, ...definitions.map((d) => h('option', { value: d.key }, d.name ?? d.key)));
  const body = h('div');
  const refresh = () => void load(body, () => api.supervision.sla(select.value), (report) => renderSla(report, definitions.find((d) => d.key === select.value)!, setViewer));
  select.onchange = refresh;
  refresh();
  return [h('div', { className: 'card-header' }, h('h2', null, 'Service levels per stage'), select), body];
}

function heat(rate: number): string {
  // 0 → green, 0.5 → amber, 1 → red
  const hue = Math.round(120 * (1 - Math.min(1, Math.max(0, rate))));
  return `hsl(${hue} 75% 45%)`;
}

function renderSla(report: SlaReport, definition: DefinitionSummary, setViewer: (v: DiagramHost) => void): Node[] {
  if (!report.stages.length) return [empty('No completed stages yet to measure.')];
  const stages = [...report.stages].sort((a, b) => b.breached / Math.max(1, b.completed) - a.breached / Math.max(1, a.completed));
  const diagram = h('div', { className: 'diagram heatmap', id: 'sla-heatmap', role: 'img', 'aria-label': 'SLA breach rate heat map over the process diagram' }, loading('Loading the diagram…'));
  const version = report.version ?? Math.max(...definition.versions.map((v) => v.version));
  void (async () => {
    try {
      const def = await api.definitions.get(definition.key, version);
      clear(diagram);
      const viewer = createViewer(diagram);
      setViewer(viewer);
      await show(viewer, def.xml);
      const registry = viewer.get<ElementRegistry>('elementRegistry');
      const overlays = viewer.get<Overlays>('overlays');
      for (const s of report.stages) {
        const el = registry.get(s.activityId);
        if (!el || !el.width || !el.height) continue;
        const rate = s.breached / Math.max(1, s.completed);
        const cell = overlayBadge('', 'heat-cell', `${s.name ?? s.activityId}: ${Math.round(rate * 100)}% breached, average ${formatDuration(s.averageSeconds)}`);
        cell.style.width = `${el.width}px`;
        cell.style.height = `${el.height}px`;
        cell.style.background = heat(rate);
        overlays.add(s.activityId, 'heat', { position: { top: 0, left: 0 }, html: cell });
        overlays.add(s.activityId, 'heat', { position: { bottom: -4, left: 0 }, html: overlayBadge(`${Math.round(rate * 100)}% · ${formatDuration(s.averageSeconds)}`, 'heat-label') });
      }
      focusOn(viewer, report.stages.map((s) => s.activityId));
    } catch (e) {
      clear(diagram);
      diagram.appendChild(errorState(e));
    }
  })();
  return [
    h(
      'div',
      { className: 'grid-2' },
      h(
        'div',
        null,
        h('h3', null, 'Breach rate'),
        barChart('Breach rate per stage', [{ label: 'Breached %', className: 'bar-danger' }], stages.map((s) => ({ label: s.name ?? s.activityId, values: [Math.round((100 * s.breached) / Math.max(1, s.completed))] })), (n) => `${n}%`),
      ),
      h(
        'div',
        null,
        h('h3', null, 'Average time'),
        barChart('Average time per stage', [{ label: 'Average', className: 'bar-info' }], stages.map((s) => ({ label: s.name ?? s.activityId, values: [s.averageSeconds] })), formatDuration),
      ),
    ),
    h('h3', null, 'Heat map'),
    diagram,
    h(
      'div',
      { className: 'table-wrap' },
      h(
        'table',
        { className: 'table', id: 'sla-table' },
        h('thead', null, h('tr', null, ...['Stage', 'Completed', 'Breached', 'Breach rate', 'Average time'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, ...stages.map((s) => h('tr', null, h('td', null, s.name ?? s.activityId), h('td', null, s.completed), h('td', null, s.breached), h('td', null, `${Math.round((100 * s.breached) / Math.max(1, s.completed))}%`), h('td', null, formatDuration(s.averageSeconds))))),
      ),
    ),
  ];
}

export default page;
