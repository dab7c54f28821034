/** Modal dialogs: a confirmation that says what will happen, and a plain message box. */
import type { ComponentChildren } from 'preact'
import { createPortal } from 'preact/compat'
import { useLayoutEffect, useRef } from 'preact/hooks'
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

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), textarea, select, [tabindex="0"]'

/** Dialogs open now: the app behind them is inert while there is one. */
let open = 0

/** Makes the app behind the dialogs inert (not clickable, focusable or read out) while one is open. */
function setAppInert(inert: boolean): void {
  const app = document.getElementById('app')
  if (app) app.inert = inert
}

/**
 * A modal dialog, drawn over the app (which is inert meanwhile: a screen reader and the keyboard
 * stay in the dialog). It takes the focus when it opens, keeps Tab inside it, closes on Escape,
 * and gives the focus back to where it was when it closes.
 */
export function Dialog({ title, children, actions, onClose, icon }: DialogProps) {
  const box = useRef<HTMLDivElement>(null)
  // Layout effects: the focus and the keys are the dialog's as soon as it is on screen.
  useLayoutEffect(() => {
    const before = document.activeElement as HTMLElement | null
    if (open++ === 0) setAppInert(true)
    box.current?.focus()
    return () => {
      if (--open === 0) setAppInert(false)
      if (before?.isConnected) before.focus()
    }
  }, [])
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose?.()
      if (e.key !== 'Tab' || !box.current) return
      const items = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
      if (items.length === 0) return
      const first = items[0]!
      const last = items[items.length - 1]!
      const active = document.activeElement
      if (active === box.current || !box.current.contains(active)) {
        e.preventDefault()
        ;(e.shiftKey ? last : first).focus()
      } else if (e.shiftKey && active === first) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && active === last) {
        e.preventDefault()
        first.focus()
      }
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [onClose])
  return createPortal(
    <div class="scrim">
      <div class="dialog" role="dialog" aria-modal="true" aria-label={title} tabIndex={-1} ref={box}>
        {icon && (
          <div class="check">
            <Icon name={icon} size={44} />
          </div>
        )}
        <h2>{title}</h2>
        <div>{children}</div>
        <div class="btn-row">{actions}</div>
      </div>
    </div>,
    document.body,
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
