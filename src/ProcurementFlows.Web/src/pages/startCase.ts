// Starting a case: choose a process, give a business key, and the initial variables — through the
// process's start form when it has one (camunda:formKey / camunda:formRef on the start event), else
// through a small name/type/value editor. Failures are shown in the dialog as problem details.
import { api } from '../api/client';
import type { DefinitionSummary, DefinitionVersion, FormResource } from '../api/types';
import type { RenderedForm } from '../forms/viewer';
import { navigate } from '../router';
import { clear, errorState, h, loading, toast } from '../ui/dom';
import { dialogField, DialogValidationError, openDialog } from '../ui/dialog';
import { parseTyped, VALUE_TYPES, VARIABLE_NAME, type ValueType } from '../ui/typedValue';

const CAMUNDA = 'http://camunda.org/schema/1.0/bpmn';
const BPMN = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/** The form key of the process's (top-level, none-trigger) start event, if it names one. */
export function startFormKey(xml: string): string | undefined {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return undefined;
  for (const process of Array.from(doc.getElementsByTagNameNS(BPMN, 'process'))) {
    for (const start of Array.from(process.children).filter((c) => c.namespaceURI === BPMN && c.localName === 'startEvent')) {
      if (start.children.length && Array.from(start.children).some((c) => c.localName.endsWith('EventDefinition'))) continue;
      const key = start.getAttributeNS(CAMUNDA, 'formKey') || start.getAttributeNS(CAMUNDA, 'formRef');
      if (key) return key;
    }
  }
  return undefined;
}

function findForm(forms: FormResource[], key: string): FormResource | undefined {
  const file = key.replace(/^camunda-forms:(deployment|app):/, '');
  return forms.find((f) => f.id === key || f.name === file || f.schema?.id === key);
}


/** The name/type/value editor used when a process has no start form. */
function variableEditor(): { element: HTMLElement; read: () => Record<string, unknown> } {
  const rows = h('tbody');
  let n = 0;
  const addRow = (focus: boolean) => {
    const i = n++;
    const name = h('input', { type: 'text', id: `var-name-${i}`, 'aria-label': `Variable ${i + 1} name`, className: 'var-name', autocomplete: 'off' });
    const type = h('select', { id: `var-type-${i}`, 'aria-label': `Variable ${i + 1} type`, className: 'var-type' }, ...VALUE_TYPES.map((t) => h('option', { value: t.value }, t.label)));
    const value = h('input', { type: 'text', id: `var-value-${i}`, 'aria-label': `Variable ${i + 1} value`, className: 'var-value', autocomplete: 'off' });
    const row = h('tr', { 'data-row': String(i) }, h('td', null, name), h('td', null, type), h('td', null, value));
    const remove = h('button', { type: 'button', className: 'btn btn-sm', 'aria-label': `Remove variable ${i + 1}` }, 'Remove');
    remove.onclick = () => {
      row.remove();
      (rows.querySelector<HTMLInputElement>('input') ?? add).focus();
    };
    row.appendChild(h('td', null, remove));
    rows.appendChild(row);
    if (focus) name.focus();
  };
  const add = h('button', { type: 'button', className: 'btn btn-sm', id: 'add-variable' }, 'Add variable');
  add.onclick = () => addRow(true);
  addRow(false);
  const element = h(
    'fieldset',
    { className: 'variables-editor', id: 'start-variables' },
    h('legend', null, 'Initial variables'),
    h('div', { className: 'table-wrap' }, h('table', { className: 'table' }, h('thead', null, h('tr', null, ...['Name', 'Type', 'Value', ''].map((c) => h('th', { scope: 'col' }, c)))), rows)),
    add,
  );
  const read = () => {
    const result: Record<string, unknown> = {};
    const problems: string[] = [];
    for (const row of Array.from(rows.querySelectorAll('tr'))) {
      const name = row.querySelector<HTMLInputElement>('.var-name')!;
      const type = row.querySelector<HTMLSelectElement>('.var-type')!.value as ValueType;
      const input = row.querySelector<HTMLInputElement>('.var-value')!;
      name.removeAttribute('aria-invalid');
      input.removeAttribute('aria-invalid');
      if (!name.value.trim() && !input.value.trim()) continue;
      const key = name.value.trim();
      const bad = (el: HTMLInputElement, message: string) => {
        el.setAttribute('aria-invalid', 'true');
        problems.push(message);
      };
      if (!VARIABLE_NAME.test(key)) {
        bad(name, `“${key}” is not a variable name: use letters, digits and _, not starting with a digit.`);
        continue;
      }
      if (key in result) {
        bad(name, `“${key}” is given twice.`);
        continue;
      }
      const parsed = parseTyped(type, input.value);
      if ('error' in parsed) bad(input, `${key}: ${parsed.error}`);
      else result[key] = parsed.value;
    }
    if (problems.length) throw new DialogValidationError('Some variables need attention.', problems);
    return result;
  };
  return { element, read };
}

/** Opens the start-case dialog; on success the new case's page opens. */
export function startCase(preselect?: string): Promise<boolean> {
  const process = h('select', { required: true });
  const businessKey = h('input', { type: 'text', autocomplete: 'off', maxlength: 200 });
  const processField = dialogField('start-process', 'Process', process);
  const keyField = dialogField('start-business-key', 'Business key', businessKey, 'The case number people will search for, e.g. NDMA-2026-0042.');
  const variablesHost = h('div', { id: 'start-inputs', 'aria-live': 'polite' }, loading('Loading processes…'));
  let definitions: DefinitionSummary[] = [];
  let current: { definition: DefinitionVersion; form?: RenderedForm; read?: () => Record<string, unknown> } | undefined;
  let generation = 0;

  const latest = (d: DefinitionSummary) => Math.max(...d.versions.map((v) => v.version));
  const loadProcess = async () => {
    const mine = ++generation;
    current?.form?.destroy();
    current = undefined;
    clear(variablesHost);
    const summary = definitions.find((d) => d.key === process.value);
    if (!summary) return;
    variablesHost.appendChild(loading('Loading the process…'));
    try {
      const definition = await api.definitions.get(summary.key, latest(summary));
      if (mine !== generation) return;
      clear(variablesHost);
      const key = startFormKey(definition.xml);
      const form = key ? findForm(definition.forms, key) : undefined;
      if (form) {
        const host = h('div', { className: 'start-form', id: 'start-form' });
        variablesHost.append(h('p', { className: 'muted' }, 'The process’s start form:'), host);
        const { renderForm } = await import('../forms/viewer');
        const rendered = await renderForm(host, form.schema, {});
        if (mine !== generation) return rendered.destroy();
        current = { definition, form: rendered };
      } else {
        const editor = variableEditor();
        variablesHost.append(
          key ? h('p', { className: 'muted' }, `The start form “${key}” is not deployed with this version; give the variables by hand.`) : h('p', { className: 'muted' }, 'This process has no start form. Add any variables it needs (optional).'),
          editor.element,
        );
        current = { definition, read: editor.read };
      }
    } catch (e) {
      if (mine !== generation) return;
      clear(variablesHost);
      variablesHost.appendChild(errorState(e, () => void loadProcess()));
    }
  };
  process.onchange = () => void loadProcess();

  void (async () => {
    try {
      definitions = (await api.definitions.list()).filter((d) => d.versions.length).sort((a, b) => (a.name ?? a.key).localeCompare(b.name ?? b.key));
      clear(process);
      process.append(h('option', { value: '' }, 'Choose a process…'), ...definitions.map((d) => h('option', { value: d.key }, `${d.name ?? d.key} (v${latest(d)})`)));
      clear(variablesHost);
      if (!definitions.length) variablesHost.appendChild(h('p', { className: 'muted' }, 'No process is deployed yet.'));
      if (preselect && definitions.some((d) => d.key === preselect)) {
        process.value = preselect;
        await loadProcess();
      }
    } catch (e) {
      clear(variablesHost);
      variablesHost.appendChild(errorState(e));
    }
  })();

  const opened = openDialog({
    id: 'start-case-dialog',
    title: 'Start a case',
    confirmLabel: 'Start case',
    initialFocus: process,
    content: [processField.field, keyField.field, variablesHost],
    onConfirm: async () => {
      processField.setError(process.value ? undefined : 'Choose the process to start.');
      if (!process.value) throw new DialogValidationError('Choose the process to start.');
      if (!current) throw new DialogValidationError('The process is still loading.');
      let variables: Record<string, unknown> = {};
      if (current.form) {
        const { data, errors } = current.form.submit();
        const count = Object.values(errors).flat().length;
        if (count) throw new DialogValidationError(`${count} field(s) of the start form need attention.`);
        variables = data;
      } else if (current.read) {
        variables = current.read();
      }
      const id = await api.instances.start({ processKey: current.definition.key, version: current.definition.version, businessKey: businessKey.value.trim() || undefined, variables });
      toast(`Started ${businessKey.value.trim() || 'the case'}`);
      navigate(`/cases/${encodeURIComponent(id)}`);
    },
  });
  return opened.finally(() => {
    generation++;
    current?.form?.destroy();
  });
}
