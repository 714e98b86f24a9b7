// The form-js editor, loaded only on the designer's Forms tab.
import '@bpmn-io/form-js-editor/dist/assets/form-js-editor.css';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import { FormEditor as FormJsEditor } from '@bpmn-io/form-js-editor';
import type { FormSchema } from '../api/types';

export async function FormEditor(container: HTMLElement, schema: FormSchema): Promise<{ destroy(): void; saveSchema(): FormSchema }> {
  const editor = new FormJsEditor({ container });
  await editor.importSchema(schema);
  return {
    destroy: () => editor.destroy(),
    saveSchema: () => editor.saveSchema() as FormSchema,
  };
}
