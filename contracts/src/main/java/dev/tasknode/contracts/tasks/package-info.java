/**
 * What tasks exist and what they accept: the catalog of the six tasks (and the node's own), their parameters and
 * types, and the one parameter parser that the node, the Java client and the CLI all use (an invalid parameter is
 * refused before anything is sent or run).
 */
package dev.tasknode.contracts.tasks;
