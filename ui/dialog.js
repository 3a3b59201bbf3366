// dialog.js: a modal confirmation dialog (<dialog>) for actions that change something (cancel a
// job, stop or redrive an execution), optionally with fields (a reason). Resolves with the
// fields' values when confirmed, null when dismissed (Cancel button, Escape).

import {h} from './dom.js';

/**
 * confirmAction({title, message, confirmLabel, dismissLabel, danger, fields: [{name, label, multiline,
 * required, value, placeholder}]}) -> Promise<{...values} | null>.
 */
export function confirmAction({title, message, confirmLabel = 'Confirm', dismissLabel = 'Cancel',
  danger = false, fields = []}) {
  return new Promise(resolve => {
    const inputs = fields.map(f => {
      const id = `dlg-${f.name}`;
      const attrs = {id, name: f.name, required: !!f.required, placeholder: f.placeholder || null,
        autocomplete: 'off'};
      const input = f.multiline ? h('textarea', {...attrs, rows: 3}) : h('input', {...attrs, type: 'text'});
      input.value = f.value || '';
      return {f, input, row: h('div', {class: 'field'}, h('label', {for: id}, f.label), input)};
    });
    const form = h('form', {method: 'dialog'},
      h('h2', {id: 'dlg-title'}, title),
      message ? h('p', {id: 'dlg-message'}, message) : null,
      inputs.map(i => i.row),
      h('div', {class: 'actions'},
        h('button', {type: 'button', class: 'secondary', value: 'cancel',
          onclick: () => dialog.close('cancel')}, dismissLabel),
        h('button', {type: 'submit', class: danger ? 'danger' : 'primary', value: 'confirm'}, confirmLabel)));
    const dialog = h('dialog', {class: 'confirm', 'aria-labelledby': 'dlg-title',
      'aria-describedby': message ? 'dlg-message' : null}, form);
    form.addEventListener('submit', ev => {
      ev.preventDefault();
      if (!form.reportValidity()) return;
      dialog.close('confirm');
    });
    dialog.addEventListener('close', () => {
      const confirmed = dialog.returnValue === 'confirm';
      const values = Object.fromEntries(inputs.map(({f, input}) => [f.name, input.value.trim()]));
      dialog.remove();
      resolve(confirmed ? values : null);
    });
    document.body.append(dialog);
    dialog.showModal();
    (inputs[0]?.input || form.querySelector('button[type=submit]')).focus();
  });
}
