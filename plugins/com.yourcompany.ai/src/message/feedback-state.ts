/**
 * What the 👍 / 👎 bar under a reply does on each click, apart from React so the rules read in one
 * place: a click on the pressed thumb takes the vote back, 👎 first asks for an optional comment
 * (Send or Skip both record it), a recorded 👎 says thanks for a moment, and a refused vote leaves
 * everything as it was (the form keeps what was typed; the toast says why).
 */
import type { Vote } from '../../../../protocol/feedback';

export type VoteChoice = Vote | 'none';

export interface BarState {
  /** `commenting`: the 👎 form is open; `thanks`: a 👎 was just recorded. */
  step: 'idle' | 'commenting' | 'thanks';
  /** The vote on its way to the server (the buttons wait for it). */
  sending: VoteChoice | null;
}

export const IDLE: BarState = { step: 'idle', sending: null };

export type BarEvent =
  | { type: 'up' }
  | { type: 'down' }
  | { type: 'send'; comment: string }
  | { type: 'skip' }
  | { type: 'sent' }
  | { type: 'failed' }
  | { type: 'thanksOver' };

/** A vote to send to the server. */
export interface VoteRequest {
  vote: VoteChoice;
  comment?: string;
}

/** The bar after `event`, given the caller's recorded vote; `send` when a vote must go out. */
export function nextBar(state: BarState, recorded: Vote | null, event: BarEvent): { state: BarState; send?: VoteRequest } {
  const sending = (vote: VoteChoice, step: BarState['step'], comment?: string) => ({
    state: { step, sending: vote },
    send: comment ? { vote, comment } : { vote },
  });
  switch (event.type) {
    case 'up':
      if (state.sending) return { state };
      return sending(recorded === 'up' ? 'none' : 'up', 'idle');
    case 'down':
      if (state.sending) return { state };
      if (recorded === 'down') return sending('none', 'idle');
      // A second click on 👎 closes the form without voting.
      return { state: { ...state, step: state.step === 'commenting' ? 'idle' : 'commenting' } };
    case 'send':
      if (state.sending || state.step !== 'commenting') return { state };
      return sending('down', 'commenting', event.comment.trim() || undefined);
    case 'skip':
      if (state.sending || state.step !== 'commenting') return { state };
      return sending('down', 'commenting');
    case 'sent':
      return { state: { step: state.sending === 'down' && state.step === 'commenting' ? 'thanks' : 'idle', sending: null } };
    case 'failed':
      return { state: { ...state, sending: null } };
    case 'thanksOver':
      return { state: state.step === 'thanks' ? { ...state, step: 'idle' } : state };
  }
}
