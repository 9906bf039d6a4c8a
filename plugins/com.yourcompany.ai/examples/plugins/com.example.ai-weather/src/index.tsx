/**
 * A third-party panel for the AI assistant in a few lines: when a reply's meta carries a block
 * `{ type: 'weather', city, tempC }`, it is drawn by this component instead of the text fallback.
 */
import React from 'react';
import { registerPanel } from '@plugins/com.yourcompany.ai';
import type { PanelProps } from '@plugins/com.yourcompany.ai';

interface WeatherBlock {
  type: 'weather';
  city: string;
  tempC: number;
  summary?: string;
}

function WeatherPanel({ block }: PanelProps<WeatherBlock>): React.ReactElement {
  return (
    <div data-testid="example-weather" style={{ display: 'inline-flex', gap: 8, padding: '4px 10px', border: '1px solid #8884', borderRadius: 6 }}>
      <span aria-hidden="true">🌤</span>
      <strong>{block.city}</strong>
      <span>{block.tempC} °C</span>
      {block.summary && <span style={{ opacity: 0.7 }}>{block.summary}</span>}
    </div>
  );
}

registerPanel('weather', WeatherPanel, {
  // Blocks that do not fit fall back to readable text instead of reaching the component.
  validate: (block) => typeof block.city === 'string' && typeof block.tempC === 'number',
});
