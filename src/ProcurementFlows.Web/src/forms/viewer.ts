// Renders a task form with form-js and shows server field errors inline on the fields.
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import { Form } from '@bpmn-io/form-js-viewer';
import type { FormComponent, FormSchema } from '../api/types';

export interface RenderedForm {
  /** Client-side validation plus the data to submit. */
  submit(): { data: Record<string, unknown>; errors: Record<string, string[]> };
  /** Shows errors keyed by field key (as the server sends them) on the matching fields. */
  showErrors(byKey: Record<string, string[]>): void;
  destroy(): void;
}

function walk(components: FormComponent[] | undefined, visit: (c: FormComponent) => void): void {
  for (const c of components ?? []) {
    visit(c);
    walk(c.components, visit);
  }
}

export async function renderForm(container: HTMLElement, schema: FormSchema, data: Record<string, unknown>): Promise<RenderedForm> {
  // No input debounce (form-js reads `debounce` from its config but does not declare it): inputs are controlled, so a
  // re-render while a typed value waits out the 300 ms debounce put the old value back and the typing was lost.
  const options = { container, debounce: false };
  const form = new Form(options);
  await form.importSchema(schema, data);
  // form-js keys errors by component id; the server keys them by field key.
  const idByKey = new Map<string, string>();
  walk(schema.components, (c) => {
    if (c.key && c.id) idByKey.set(c.key, c.id);
  });
  const internal = form as unknown as {
    _getState(): { errors: Record<string, string[]> };
    _setState(state: { errors: Record<string, string[]> }): void;
  };
  return {
    submit: () => {
      const result = form.submit() as { data: Record<string, unknown>; errors: Record<string, string[]> };
      return result;
    },
    showErrors: (byKey) => {
      const errors: Record<string, string[]> = {};
      for (const [key, messages] of Object.entries(byKey)) {
        const id = idByKey.get(key);
        if (id) errors[id] = messages;
      }
      internal._setState({ errors });
    },
    destroy: () => form.destroy(),
  };
}

/** Which server error keys match a field of the form (others are shown in the summary only). */
export function fieldKeys(schema: FormSchema): Set<string> {
  const keys = new Set<string>();
  walk(schema.components, (c) => {
    if (c.key) keys.add(c.key);
  });
  return keys;
}
