/**
 * The messages on the wire (docs/protocol.md): the task reply, the events streamed while a task runs (log lines,
 * progress, the result) and the control operations (status, cancel, list), each a record with {@code v} first.
 */
package dev.tasknode.contracts.messages;
