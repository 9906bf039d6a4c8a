/** The parts of the official MCP SDK the MCP backend uses, in one module it can import lazily. */
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
export { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
