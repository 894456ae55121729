// A modal dialog on the native <dialog>: showModal() makes the rest of the
// page inert (the focus stays inside), Escape closes it, and the focus goes
// back to the control that opened it.
import { t } from './i18n.js?v=@ASSET_VERSION@';
import { h } from './panels.js?v=@ASSET_VERSION@';

// Opens a dialog titled by the i18n key `title_key` around `body` (nodes);
// returns the <dialog>, removed from the page when it closes.
export function open_dialog(id, title_key, body, { on_close } = {}) {
  document.getElementById(id)?.remove();
  const opener = document.activeElement;
  const close = h('button', { type: 'button', class: 'close', 'aria-label': t('close'), 'data-i18n-aria-label': 'close' }, '×');
  const dialog = h('dialog', { id, class: 'tool-dialog', 'aria-labelledby': `${id}-title` },
    h('header', { class: 'sheet-header' }, h('h2', { id: `${id}-title`, 'data-i18n': title_key }, t(title_key)), close),
    h('div', { class: 'dialog-body' }, body));
  close.addEventListener('click', () => dialog.close());
  // The page's own Escape (closing panels) must not act as well.
  dialog.addEventListener('keydown', (e) => { if (e.key === 'Escape') e.stopPropagation(); });
  dialog.addEventListener('close', () => {
    dialog.remove();
    on_close?.();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}
