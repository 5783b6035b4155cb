import { describe, expect, it } from 'vitest';
import { eventsForToolCall, TOOL_EVENTS } from './tools.js';

describe('MCP tool → events (docs/api.md#the-event-catalog)', () => {
  it('knows exactly the seven tools of the table', () => {
    expect(Object.keys(TOOL_EVENTS).sort()).toEqual([
      'create_branch',
      'get_active_summary',
      'initialize_context',
      'search_context',
      'sync_from_cloud',
      'sync_to_cloud',
      'update_memory',
    ]);
  });

  it('initialize_context', () => {
    expect(eventsForToolCall('initialize_context', { success: true })).toEqual([
      'server_operation_called',
      'context_created',
      'session_started',
    ]);
    expect(eventsForToolCall('initialize_context', { success: false })).toEqual([
      'server_operation_called',
    ]);
  });

  it('create_branch: context_auto_created when AI-detected, else context_created', () => {
    expect(eventsForToolCall('create_branch', { success: true, autoCreated: true })).toEqual([
      'server_operation_called',
      'context_auto_created',
    ]);
    expect(eventsForToolCall('create_branch', { success: true, autoCreated: false })).toEqual([
      'server_operation_called',
      'context_created',
    ]);
    expect(eventsForToolCall('create_branch', { success: true })).toEqual([
      'server_operation_called',
      'context_created',
    ]);
    expect(eventsForToolCall('create_branch', { success: false, autoCreated: true })).toEqual([
      'server_operation_called',
    ]);
    expect(eventsForToolCall('create_branch', { success: false })).toEqual([
      'server_operation_called',
    ]);
  });

  it('search_context: context_loaded only with ≥ 1 result', () => {
    expect(eventsForToolCall('search_context', { success: true, resultCount: 0 })).toEqual([
      'server_operation_called',
    ]);
    expect(eventsForToolCall('search_context', { success: true, resultCount: 1 })).toEqual([
      'server_operation_called',
      'context_loaded',
    ]);
    expect(eventsForToolCall('search_context', { success: true, resultCount: 12 })).toEqual([
      'server_operation_called',
      'context_loaded',
    ]);
    expect(eventsForToolCall('search_context', { success: true, resultCount: null })).toEqual([
      'server_operation_called',
    ]);
    expect(eventsForToolCall('search_context', { success: true })).toEqual([
      'server_operation_called',
    ]);
    expect(eventsForToolCall('search_context', { success: false, resultCount: 3 })).toEqual([
      'server_operation_called',
    ]);
  });

  it('update_memory', () => {
    expect(eventsForToolCall('update_memory', { success: true })).toEqual([
      'server_operation_called',
      'context_modified',
    ]);
    expect(eventsForToolCall('update_memory', { success: false })).toEqual([
      'server_operation_called',
    ]);
  });

  it('get_active_summary', () => {
    expect(eventsForToolCall('get_active_summary', { success: true })).toEqual([
      'server_operation_called',
      'context_resumed',
      'session_resumed_from_context',
    ]);
    expect(eventsForToolCall('get_active_summary', { success: false })).toEqual([
      'server_operation_called',
    ]);
  });

  it('sync_to_cloud', () => {
    expect(eventsForToolCall('sync_to_cloud', { success: true, resultCount: 5 })).toEqual([
      'server_operation_called',
    ]);
    expect(eventsForToolCall('sync_to_cloud', { success: false })).toEqual([
      'server_operation_called',
    ]);
  });

  it('sync_from_cloud', () => {
    expect(eventsForToolCall('sync_from_cloud', { success: true })).toEqual([
      'server_operation_called',
      'context_loaded',
    ]);
    expect(eventsForToolCall('sync_from_cloud', { success: false })).toEqual([
      'server_operation_called',
    ]);
  });

  it('any other tool: server_operation_called only', () => {
    for (const tool of ['list_branches', '', 'SEARCH_CONTEXT']) {
      expect(eventsForToolCall(tool, { success: true, resultCount: 3, autoCreated: true })).toEqual(
        ['server_operation_called'],
      );
      expect(eventsForToolCall(tool, { success: false })).toEqual(['server_operation_called']);
    }
  });

  it('treats tool names that collide with Object.prototype members as other tools', () => {
    for (const tool of ['constructor', 'toString', 'hasOwnProperty', '__proto__']) {
      expect(eventsForToolCall(tool, { success: true })).toEqual(['server_operation_called']);
    }
  });

  it('returns a fresh array the caller may change', () => {
    const first = eventsForToolCall('sync_to_cloud', { success: true });
    first.push('context_loaded');
    expect(eventsForToolCall('sync_to_cloud', { success: true })).toEqual([
      'server_operation_called',
    ]);
  });
});
