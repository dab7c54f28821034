/** Modal dialogs: a confirmation that says what will happen, and a plain message box. */
import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'
import { Icon, type IconName } from './icons.tsx'

/** Props of {@link Dialog}. */
export interface DialogProps {
  /** Heading. */
  title: string
  /** Body. */
  children: ComponentChildren
  /** Buttons, right-aligned. */
  actions: ComponentChildren
  /** Called on Escape. */
  onClose?: () => void
  /** Large icon above the heading. */
  icon?: IconName
}

/** A modal dialog. */
export function Dialog({ title, children, actions, onClose, icon }: DialogProps) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose?.()
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [onClose])
  return (
    <div class="scrim">
      <div class="dialog" role="dialog" aria-modal="true" aria-label={title}>
        {icon && (
          <div class="check">
            <Icon name={icon} size={44} />
          </div>
        )}
        <h2>{title}</h2>
        <div>{children}</div>
        <div class="btn-row">{actions}</div>
      </div>
    </div>
  )
}

/** Props of {@link Confirm}. */
export interface ConfirmProps {
  /** Heading, a question. */
  title: string
  /** What will happen, and where. */
  children: ComponentChildren
  /** Label of the confirming button. */
  confirm: string
  /** Red confirming button for destructive actions. */
  danger?: boolean
  /** Confirmed. */
  onConfirm: () => void
  /** Cancelled. */
  onCancel: () => void
}

/** Asks before doing something that cannot be undone. */
export function Confirm({ title, children, confirm, danger, onConfirm, onCancel }: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      actions={
        <>
          <button type="button" class="btn" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" class={`btn ${danger ? 'danger solid' : 'primary'}`} onClick={onConfirm}>
            {confirm}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  )
}
