/**
 * Functions and procedures, triggers, domains, composite types and collations (issue 10, kinds-a): one file per
 * kind, each adding its steps with their graph keys to {@link dev.tasknode.node.schema.diff.Differ.Ctx}.
 */
package dev.tasknode.node.schema.diff.objects;
