import { SERVICE_NAME } from '../protocol/actions.js';
import { RUNNER_SERVICE_NAME } from '../protocol/runner.js';

export const CHAT_SERVICE = SERVICE_NAME;
/** Engine side; its actions are `visibility: public`, so Tailchat's HTTP gateway never exposes them. */
export const RUNNER_SERVICE = RUNNER_SERVICE_NAME;
