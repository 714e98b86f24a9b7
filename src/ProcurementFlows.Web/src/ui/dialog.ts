// A modal dialog on the native <dialog> element: focus moves in and is kept there, Escape closes it,
// and focus returns to the control that opened it. Confirm runs an action; a failure keeps the dialog
// open and shows the server's problem details (title, detail, field errors) inside it.
import { ApiError } from '../api/client';
import { clear, describeError, h } from './dom';

export interface DialogOptions {
  /** An id for the dialog element (tests and styles find it by this). */
  id: string;
  title: string;
  description?: string;
  /** The body: fields and anything else. */
  content: Node[];
  confirmLabel: string;
  /** A destructive action gets a red confirm button. */
  danger?: boolean;
  /** Where focus goes first (default: the first field). */
  initialFocus?: HTMLElement;
  /** Runs on confirm; throw to keep the dialog open with the error shown. */
  onConfirm: () => Promise<void>;
}

/** A message a dialog shows as it is (client-side validation), not as a failed request. */
export class DialogValidationError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'DialogValidationError';
  }
}

/** The error as an alert: the problem's title and detail, and its field errors as a list. */
export function problemAlert(error: unknown): HTMLElement {
  if (error instanceof DialogValidationError) {
    return h('div', { className: 'alert alert-danger', role: 'alert' }, h('p', { className: 'strong' }, error.message), error.details.length ? h('ul', null, ...error.details.map((d) => h('li', null, d))) : null);
  }
  // The server's own words when it sent problem details; the generic wording otherwise.
  const generic = describeError(error);
  const title = error instanceof ApiError && error.problem.title ? error.problem.title : generic.title;
  const detail = error instanceof ApiError && error.problem.detail ? error.problem.detail : generic.detail;
  const fields = error instanceof ApiError ? Object.entries(error.fieldErrors).flatMap(([field, messages]) => messages.map((m) => (field ? `${field}: ${m}` : m))) : [];
  const status = error instanceof ApiError && error.status ? ` (${error.status})` : '';
  return h(
    'div',
    { className: 'alert alert-danger problem', role: 'alert' },
    h('p', { className: 'strong problem-title' }, title + status),
    detail ? h('p', { className: 'problem-detail' }, detail) : null,
    fields.length ? h('ul', null, ...fields.map((f) => h('li', null, f))) : null,
  );
}

/** Opens the dialog; resolves true when the action succeeded, false when cancelled. */
export function openDialog(options: DialogOptions): Promise<boolean> {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = `${options.id}-title`;
  const errors = h('div', { className: 'dialog-errors', 'aria-live': 'assertive' });
  const confirm = h('button', { type: 'submit', className: `btn ${options.danger ? 'btn-danger' : 'btn-primary'}`, 'data-action': 'confirm' }, options.confirmLabel);
  const cancel = h('button', { type: 'button', className: 'btn', 'data-action': 'cancel' }, 'Cancel');
  const form = h(
    'form',
    { method: 'dialog', novalidate: true },
    h('h2', { id: titleId }, options.title),
    options.description ? h('p', { className: 'muted' }, options.description) : null,
    errors,
    h('div', { className: 'dialog-body' }, ...options.content),
    h('div', { className: 'dialog-actions' }, cancel, confirm),
  );
  const dialog = h('dialog', { id: options.id, className: 'modal', 'aria-labelledby': titleId }, form);
  document.body.appendChild(dialog);

  return new Promise<boolean>((resolve) => {
    let done = false;
    const close = (result: boolean) => {
      if (dialog.open) dialog.close();
      dialog.remove();
      opener?.focus?.();
      if (!done) resolve(result);
      done = true;
    };
    dialog.addEventListener('close', () => close(false));
    cancel.onclick = () => close(false);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (confirm.disabled) return;
      clear(errors);
      confirm.disabled = true;
      form.setAttribute('aria-busy', 'true');
      try {
        await options.onConfirm();
        done = true;
        resolve(true);
        close(true);
      } catch (e) {
        errors.appendChild(problemAlert(e));
        confirm.disabled = false;
      } finally {
        form.removeAttribute('aria-busy');
      }
    });
    dialog.showModal();
    (options.initialFocus ?? form.querySelector<HTMLElement>('.dialog-body :is(input, select, textarea, button)') ?? confirm).focus();
  });
}

/** A labelled field for dialogs: label, control, and an inline error slot tied to it by aria-describedby. */
export function dialogField(id: string, label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): { field: HTMLElement; setError: (message?: string) => void } {
  const error = h('p', { className: 'field-error', id: `${id}-error` });
  error.hidden = true;
  const hintEl = hint ? h('p', { className: 'muted field-hint', id: `${id}-hint` }, hint) : null;
  control.id = id;
  control.setAttribute('aria-describedby', [hintEl ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '));
  return {
    field: h('div', { className: 'field' }, h('label', { for: id }, label), control, hintEl, error),
    setError: (message) => {
      error.textContent = message ?? '';
      error.hidden = !message;
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}
