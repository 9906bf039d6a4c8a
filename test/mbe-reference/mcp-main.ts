/**
 * CLI: the REFERENCE MBE SERVER's MCP front over stdio (a stand-in for MBE's MCP server).
 *   tsx test/mbe-reference/mcp-main.ts --http-url http://127.0.0.1:8001 [--api-key-env MBE_API_KEY]
 * Forwards every tool call to the reference HTTP server at --http-url (one core, two fronts:
 * see mcp-server.ts). stdout carries the MCP protocol only; diagnostics go to stderr.
 */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createHttpCoreProxy, createReferenceMcpServer } from './mcp-server.js';

const { values } = parseArgs({
  options: {
    'http-url': { type: 'string' },
    'api-key-env': { type: 'string', default: 'MBE_API_KEY' },
  },
});

const httpUrl = values['http-url'];
if (!httpUrl || !/^https?:\/\//.test(httpUrl)) {
  console.error('usage: mcp-main.ts --http-url http://host:port [--api-key-env NAME]');
  process.exit(2);
}
const apiKey = process.env[values['api-key-env']] || undefined;

const server = createReferenceMcpServer(createHttpCoreProxy({ httpUrl, ...(apiKey ? { apiKey } : {}) }));
await server.connect(new StdioServerTransport());

// The client closing stdin is the normal way this process ends.
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
