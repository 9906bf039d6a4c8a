/** The starter prompts' one lazy chunk: the DM chips and the "+" menu picker share their strings and helpers. */
export { default as DmStarters } from './DmStarters';
export { openStarterPicker } from './StarterPicker';
