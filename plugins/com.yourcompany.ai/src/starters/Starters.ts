/** The starter prompts' one lazy chunk: the DM chips and the "+" menu picker share their strings and helpers. */
import './starters.css';
export { default as DmStarters } from './DmStarters';
export { openStarterPicker } from './StarterPicker';
