/**
 * The feedback protocol's constants (protocol/feedback.ts), copied like those of constants.ts and
 * typed with the protocol's literal types, so `tsc` fails the moment they drift. Importing them
 * from the protocol would pull zod into api.ts's chunk, which the starter prompts and the tool
 * and approval cards load without zod; kept out of constants.ts, which ships in the start-up chunk.
 */
import type * as Feedback from '../../../protocol/feedback';

export const FEEDBACK_ACTIONS: typeof Feedback.FEEDBACK_ACTIONS = {
  voteReply: 'voteReply',
  getMyVotes: 'getMyVotes',
  getFeedback: 'getFeedback',
};

/** The longest comment a 👎 may carry (the server refuses longer ones). */
export const MAX_FEEDBACK_COMMENT: typeof Feedback.MAX_FEEDBACK_COMMENT = 1_000;
