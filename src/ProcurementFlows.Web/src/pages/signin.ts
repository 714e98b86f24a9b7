import { api, ApiError } from '../api/client';
import { navigate, type PageRender } from '../router';
import { session } from '../session';
import { h } from '../ui/dom';

/** The workbench sign-in: posts the credentials; the server answers with a session cookie. */
const page: PageRender = (outlet, _params, query) => {
  const returnTo = safeReturn(query.get('return'));
  if (session.user) {
    navigate(returnTo ?? '/', true);
    return;
  }
  const error = h('div', { className: 'form-error', role: 'alert', id: 'signin-error' });
  error.hidden = true;
  const userName = h('input', { id: 'userName', name: 'userName', autocomplete: 'username', required: true, 'aria-describedby': 'signin-error' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', className: 'btn btn-primary btn-block' }, 'Sign in');
  const form = h(
    'form',
    { className: 'signin-card', novalidate: true },
    h('div', { className: 'signin-brand' }, h('span', { className: 'brand-mark', 'aria-hidden': 'true' }, 'PF'), 'ProcurementFlows'),
    h('h1', { tabindex: '-1' }, 'Sign in'),
    h('p', { className: 'muted' }, 'Defence procurement cases, tasks and processes.'),
    error,
    h('div', { className: 'field' }, h('label', { for: 'userName' }, 'User name'), userName),
    h('div', { className: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    if (!userName.value.trim() || !password.value) {
      error.textContent = 'Enter your user name and password.';
      error.hidden = false;
      (userName.value.trim() ? password : userName).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = 'Signing in…';
    try {
      const user = await api.auth.signIn(userName.value.trim(), password.value);
      session.set(user?.roles ? user : await api.auth.me());
      navigate(returnTo ?? '/', true);
    } catch (e) {
      error.textContent =
        e instanceof ApiError && (e.status === 400 || e.status === 401)
          ? 'The user name or password is not right.'
          : e instanceof Error
            ? `Sign-in failed: ${e.message}`
            : 'Sign-in failed.';
      error.hidden = false;
      password.select();
      password.focus();
    } finally {
      submit.disabled = false;
      submit.textContent = 'Sign in';
    }
  });
  outlet.append(h('div', { className: 'signin-page' }, form));
  userName.focus();
};

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeReturn(value: string | null): string | undefined {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/signin')) return undefined;
  return value;
}

export default page;
