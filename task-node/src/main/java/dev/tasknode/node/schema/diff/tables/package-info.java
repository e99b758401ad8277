/**
 * Tables and what lives on them: columns, keys and checks, indexes, storage options, partitions, and the sequences
 * (owned or not). Each file adds its steps with their graph keys to {@link dev.tasknode.node.schema.diff.Differ.Ctx},
 * as the other kinds of {@code diff} and {@code diff/objects} do.
 */
package dev.tasknode.node.schema.diff.tables;
